"""Training reuses the library's search and evaluation: ``semantic_search`` for mining, the
``InformationRetrievalEvaluator`` for dev recall; both agree with the project's own retrieval code."""

from __future__ import annotations

from pathlib import Path

import pytest
from training_fixtures import write_captions

from retrieval.catalog import load_catalog
from retrieval.evaluation.benchmark import make_benchmark
from retrieval.evaluation.evaluate import evaluate_retriever, load_beir
from retrieval.retrievers import DenseRetriever
from training.mining import dense_topk
from training.monitor import DevRecallCallback


def test_dense_topk_ranks_like_the_dense_retriever(tiny_model_path: Path) -> None:
    corpus = ["rock, loud, electric guitar", "piano, sad, slow", "techno, synth bass", "piano, happy"]
    queries = ["a sad piano ballad", "loud rock with guitars", "dance techno"]
    mined = dense_topk(str(tiny_model_path), queries, corpus, k=2)
    dense = DenseRetriever(str(tiny_model_path)).fit(corpus)
    assert mined == [[i for i, _ in hits] for hits in dense.search(queries, k=2)]
    assert [row[0] for row in mined] == [1, 0, 2]
    assert dense_topk(str(tiny_model_path), queries[:1], corpus, k=10) == [[i for i, _ in
                                                                          dense.search(queries[:1], k=4)[0]]]


def test_dev_recall_monitor_matches_evaluate_retriever(tmp_path: Path, tiny_model_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    csv = tmp_path / "captions.csv"
    write_captions(csv, n_train=10, n_dev=5)
    make_benchmark(load_catalog(f"musiccaps:{csv}")[0].songs, tmp_path / "bench", seed=0)
    beir = load_beir(tmp_path / "bench")
    model = SentenceTransformer(str(tiny_model_path), device="cpu")
    monitor = DevRecallCallback(model, tmp_path / "bench", n_queries=len(beir.query_ids), score_fn="cosine")
    expected = evaluate_retriever(DenseRetriever(str(tiny_model_path)), beir)["recall@10"]
    assert monitor.recall_at_10() == pytest.approx(expected, abs=1e-6)
    monitor.record(0, "start")
    assert monitor.points == [{"step": 0, "phase": "start", "recall@10": round(expected, 4)}]
