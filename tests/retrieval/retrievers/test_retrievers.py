"""Tests for retrieval.retrievers (TF-IDF, BM25, dense, hybrid), the ranking helpers and the encoder."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.models.encoder import Encoder, EncoderConfig
from retrieval.retrievers import (
    BM25Retriever,
    DenseRetriever,
    HybridRetriever,
    TfidfRetriever,
    build_retriever,
)
from retrieval.retrievers.base import Ranking, Retriever
from retrieval.retrievers.ranking import normalize, top_k

CORPUS = ["steel drums, tropical, upbeat", "piano, sad, slow tempo", "heavy metal, fast tempo, aggressive"]


def test_tfidf_matches_sklearn_defaults_by_hand() -> None:
    # n=2 docs; smooth idf: idf(piano) = ln(3/3) + 1 = 1, idf(sad) = ln(3/2) + 1 = 1.4055.
    # doc0 = [piano 1, sad 1.4055] / norm -> cosine with query "sad" = 1.4055 / sqrt(1 + 1.4055^2) = 0.8148
    r = TfidfRetriever().fit(["piano sad", "piano happy"])
    scores = r.score_all(["sad"])
    idf = math.log(1.5) + 1
    assert scores[0, 0] == pytest.approx(idf / math.sqrt(1 + idf**2), abs=1e-6)
    assert scores[0, 0] == pytest.approx(0.8148, abs=1e-4) and scores[0, 1] == 0.0
    assert r.search(["sad"], k=1) == [[(0, pytest.approx(0.8148, abs=1e-4))]]


def test_bm25_lucene_score_by_hand() -> None:
    # docs [piano sad] [piano happy] [rock]; avgdl = 5/3; query "sad": df=1, N=3
    # idf = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8/3) = 0.9808
    # Lucene tf part (no (k1 + 1) factor) = 1 / (1 + 1.5 * (0.25 + 0.75 * 2 / (5/3))) = 1 / 2.725
    r = BM25Retriever().fit(["piano sad", "piano happy", "rock"])
    expected = math.log(8 / 3) / (1 + 1.5 * (0.25 + 0.75 * 2 / (5 / 3)))
    assert expected == pytest.approx(0.3599, abs=1e-4)
    scores = r.score_all(["sad", "the of and", "xylophone"])
    assert scores[0].tolist() == pytest.approx([expected, 0.0, 0.0], abs=1e-5)
    assert not scores[1].any() and not scores[2].any()  # stop words only / unknown words: all zero
    assert r.search(["sad piano"], k=2)[0][0][0] == 0


@pytest.mark.parametrize("name", ["tfidf", "bm25"])
def test_sparse_search_equals_top_of_score_all(name: str) -> None:
    r = build_retriever(name).fit(CORPUS)
    queries = ["a sad piano song", "fast metal", "tropical drums"]
    ranks = r.search(queries, k=2)
    assert [hits[0][0] for hits in ranks] == [1, 2, 0]
    assert [hits[0][1] for hits in ranks] == pytest.approx(r.score_all(queries).max(axis=1).tolist())


def test_empty_corpus_and_unfitted_errors() -> None:
    for retriever in (TfidfRetriever(), BM25Retriever()):
        with pytest.raises(ValueError, match="empty corpus"):
            retriever.fit([])
        with pytest.raises(RuntimeError, match="call fit"):
            retriever.score_all(["x"])


def test_top_k_orders_and_breaks_ties_by_index() -> None:
    assert top_k(np.array([[0.1, 0.9, 0.5]]), 2) == [[(1, 0.9), (2, 0.5)]]
    assert top_k(np.array([[1.0, 2.0, 2.0, 2.0]]), 2) == [[(1, 2.0), (2, 2.0)]]
    assert top_k(np.array([[1.0, 2.0]]), 5) == [[(1, 2.0), (0, 1.0)]]


def test_normalizations_worked_examples() -> None:
    s = np.array([[1.0, 3.0, 2.0]])
    assert normalize(s, "minmax").tolist() == [[0.0, 1.0, 0.5]]
    assert normalize(s, "zscore")[0].tolist() == pytest.approx([-1.2247, 1.2247, 0.0], abs=1e-4)
    assert normalize(s, "rrf")[0].tolist() == pytest.approx([1 / 63, 1 / 61, 1 / 62])
    assert normalize(np.array([[2.0, 2.0]]), "minmax").tolist() == [[0.0, 0.0]]
    with pytest.raises(ValueError, match="minmax"):
        normalize(s, "softmax")


class FixedScores(Retriever):
    """A fake with a fixed score matrix (unit tests of the fusion arithmetic only)."""

    def __init__(self, scores: list[float]) -> None:
        self.scores = np.array([scores])

    def fit(self, corpus: Sequence[str]) -> FixedScores:
        return self

    def score_all(self, queries: Sequence[str]) -> np.ndarray:
        return np.repeat(self.scores, len(queries), axis=0)

    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        return top_k(self.score_all(queries), k)


def test_hybrid_fusion_worked_example() -> None:
    # dense [0.2, 0.8, 0.5] -> minmax [0, 1, 0.5]; sparse [1, 0, 0] -> [1, 0, 0]
    # w = 0.5: [0.5, 0.5, 0.25]; w = 1: dense order; w = 0: sparse order
    dense, sparse = FixedScores([0.2, 0.8, 0.5]), FixedScores([1.0, 0.0, 0.0])
    h = HybridRetriever(dense, sparse, weight=0.5, normalization="minmax").fit(["a", "b", "c"])
    assert h.score_all(["q"])[0].tolist() == pytest.approx([0.5, 0.5, 0.25])
    assert [i for i, _ in h.search(["q"], k=3)[0]] == [0, 1, 2]  # the tie at 0.5 goes to the lower index
    assert [i for i, _ in HybridRetriever(dense, sparse, 1.0).fit("abc").search(["q"], 3)[0]] == [1, 2, 0]
    assert [i for i, _ in HybridRetriever(dense, sparse, 0.0).fit("abc").search(["q"], 3)[0]] == [0, 1, 2]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        HybridRetriever(dense, sparse, weight=1.5)


def test_build_retriever_names_and_errors(tiny_model_path: Path) -> None:
    assert isinstance(build_retriever("tfidf"), TfidfRetriever)
    h = build_retriever(
        "hybrid", model=str(tiny_model_path), weight=0.3, sparse="bm25", normalization="zscore"
    )
    assert isinstance(h, HybridRetriever) and isinstance(h.sparse, BM25Retriever)
    assert (h.weight, h.normalization) == (0.3, "zscore")
    with pytest.raises(ValueError, match="expected one of tfidf, bm25, dense, hybrid"):
        build_retriever("splade")
    with pytest.raises(ValueError, match="only apply to the hybrid"):
        build_retriever("dense", model=str(tiny_model_path), weight=0.3)


@pytest.mark.realmodel
def test_dense_real_tiny_model(tiny_model_path: Path) -> None:
    r = DenseRetriever(str(tiny_model_path)).fit(CORPUS)
    queries = ["sad slow piano", "aggressive heavy metal"]
    scores = r.score_all(queries)
    assert scores.shape == (2, 3) and np.all(np.abs(scores) <= 1.0 + 1e-5)  # cosine
    hits = r.search(queries, k=3)
    assert [h[0][0] for h in hits] == [1, 2]
    for row, ranking in zip(scores, hits, strict=True):  # the FAISS index agrees with the exact scores
        assert [i for i, _ in ranking] == np.argsort(-row).tolist()
        assert [s for _, s in ranking] == pytest.approx(np.sort(row)[::-1].tolist(), abs=1e-5)


@pytest.mark.realmodel
def test_dot_score_fn_uses_raw_vectors(tiny_model_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    # drop the model's Normalize module so its embeddings keep their length
    full = SentenceTransformer(str(tiny_model_path), device="cpu")
    unnormalized = SentenceTransformer(modules=[full[0], full[1]], device="cpu")
    dot = DenseRetriever(encoder=Encoder(EncoderConfig(score_fn="dot"), model=unnormalized)).fit(CORPUS)
    cos = DenseRetriever(encoder=Encoder(EncoderConfig(score_fn="cosine"), model=unnormalized)).fit(CORPUS)
    query, docs = dot.encoder.encode(["sad piano"]), dot.encoder.encode(CORPUS)
    assert np.linalg.norm(query) > 1.5 and np.allclose(
        np.linalg.norm(cos.encoder.encode(CORPUS), axis=1), 1.0
    )
    lengths = np.linalg.norm(query) * np.linalg.norm(docs, axis=1)
    assert dot.score_all(["sad piano"])[0] == pytest.approx(
        cos.score_all(["sad piano"])[0] * lengths, rel=1e-4
    )
    assert dot.search(["sad piano"], k=1)[0][0][1] == pytest.approx(
        dot.score_all(["sad piano"]).max(), rel=1e-4
    )


@pytest.mark.realmodel
def test_hybrid_real(tiny_model_path: Path) -> None:
    h = build_retriever("hybrid", model=str(tiny_model_path), weight=0.5).fit(CORPUS)
    assert [hits[0][0] for hits in h.search(["a sad piano song", "fast metal"], k=1)] == [1, 2]


@pytest.mark.realmodel
def test_encoder_caches_in_memory_and_on_disk(tiny_model_path: Path, tmp_path: Path) -> None:
    config = EncoderConfig(model=str(tiny_model_path), cache_dir=str(tmp_path / "emb"))
    enc = Encoder(config)
    calls: list[int] = []
    original = enc.model.encode
    enc.model.encode = lambda texts, **kw: calls.append(len(texts)) or original(texts, **kw)
    first = enc.encode(["piano", "sad", "piano"])
    again = enc.encode(["sad", "piano", "rock"])
    assert calls == [2, 1]  # duplicates and repeats are encoded once
    assert np.allclose(first[0], again[1]) and np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    fresh = Encoder(config)
    assert np.allclose(fresh.encode(["rock", "piano"]), again[[2, 1]], atol=1e-6)
    assert fresh._model is None  # served from the disk cache without loading the model
    fresh.clear_cache()
    assert fresh.encode(["rock"]).shape == (1, fresh.dim)


@pytest.mark.realmodel
def test_encoder_memory_cache_is_bounded_oldest_first(tiny_model_path: Path) -> None:
    enc = Encoder(EncoderConfig(model=str(tiny_model_path), max_cached=2))
    out = enc.encode(["a", "b", "c"])  # all three come back even though only two stay cached
    assert out.shape == (3, enc.dim)
    assert len(enc._cache) == 2
    calls: list[int] = []
    original = enc.model.encode
    enc.model.encode = lambda texts, **kw: calls.append(len(texts)) or original(texts, **kw)
    enc.encode(["c"])  # newest kept: no encode
    enc.encode(["a"])  # oldest forgotten: encoded again
    assert calls == [1]
