"""Inputs of the retrieval performance benchmark: real descriptor sets, synthetic sets, queries, vectors.

Real sets come from catalogs (demo, MusicCaps, MTG-Jamendo). Synthetic sets are drawn from the real
vocabulary: a set size from the real size distribution, then descriptors by their real frequency.
Encoding 10^6 texts with MiniLM on 2 CPU cores takes hours, so sets beyond ``encode_max`` are embedded
as the normalized mean of their descriptors' embeddings (one encoder call per unique descriptor); the
benchmark reports the mean cosine between this proxy and the true embedding on the encoded sets.

Out of scope: timing and reporting (``retrieval.perf.bench``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.catalog import Catalog, load_catalog
from retrieval.errors import CatalogError

logger = logging.getLogger(__name__)


@dataclass
class Corpus:
    """Real sets and the vocabulary statistics synthetic sets are drawn from."""

    real_sets: list[tuple[str, ...]]
    vocab: list[str]
    vocab_p: np.ndarray
    sizes: np.ndarray
    sentences: list[str]
    sources: list[str]


def load_corpus(specs: Sequence[str], seed: int = 0) -> Corpus:
    """Unique descriptor sets, descriptor frequencies and caption sentences of the catalogs in ``specs``.

    Missing catalogs are skipped with a log line (e.g. no data folder); at least one must load.
    """
    sets: dict[tuple[str, ...], None] = {}
    counts: Counter[str] = Counter()
    sentences: list[str] = []
    sources = []
    for spec, catalog in loadable_catalogs(specs, "catalog"):
        sources.append(f"{spec} ({len(catalog):,} songs)")
        for song in catalog:
            sets.setdefault(song.descriptors)
            counts.update(song.descriptors)
            caption = song.extra.get("caption") or song.extra.get("caption_writing")
            if isinstance(caption, str):
                sentences.extend(s.strip() for s in caption.split(". ") if len(s.split()) >= 3)
    if not sets:
        raise CatalogError(f"benchmark: none of the catalogs {list(specs)} could be loaded")
    real = list(sets)
    np.random.default_rng(seed).shuffle(real)  # type: ignore[arg-type]
    vocab = list(counts)
    freq = np.array([counts[d] for d in vocab], dtype=np.float64)
    return Corpus(real, vocab, freq / freq.sum(), np.array([len(s) for s in real]), sentences, sources)


def loadable_catalogs(specs: Sequence[str], what: str) -> Iterator[tuple[str, Catalog]]:
    """``(spec, catalog)`` for each spec that loads; the others are skipped with a log line (``what``)."""
    for spec in specs:
        try:
            catalog, _ = load_catalog(spec)
        except CatalogError as exc:
            logger.warning("benchmark: skipping %s %s (%s)", what, spec, exc)
            continue
        yield spec, catalog


def make_queries(corpus: Corpus, n: int, seed: int = 0) -> list[str]:
    """``n`` query texts: caption sentences when the catalogs have captions, else 2-4 joined descriptors."""
    rng = np.random.default_rng(seed + 1)
    if corpus.sentences:
        picks = rng.choice(len(corpus.sentences), size=n, replace=len(corpus.sentences) < n)
        return [corpus.sentences[i] for i in picks]
    out = []
    for _ in range(n):
        words = rng.choice(len(corpus.vocab), size=int(rng.integers(2, 5)), p=corpus.vocab_p)
        out.append(" and ".join(corpus.vocab[i] for i in words))
    return out


def synthetic_sets(corpus: Corpus, n: int, seed: int = 0) -> list[np.ndarray]:
    """``n`` distinct sets as arrays of vocabulary numbers: the real sets first, then sampled ones.

    Sets are distinct, as in a real index (identical sets are one document), which also keeps exact
    duplicates (score ties) out of the ANN recall measurement.
    """
    index = {d: i for i, d in enumerate(corpus.vocab)}
    out = [np.array(sorted({index[d] for d in s})) for s in corpus.real_sets[:n]]
    seen = {tuple(s.tolist()) for s in out}
    rng = np.random.default_rng(seed + 2)
    while len(out) < n:
        missing = n - len(out)
        sizes = rng.choice(corpus.sizes, size=missing + missing // 10 + 10)
        flat = rng.choice(len(corpus.vocab), size=int(sizes.sum()), p=corpus.vocab_p)
        for part in np.split(flat, np.cumsum(sizes)[:-1]):
            key = tuple(sorted(set(part.tolist())))
            if key not in seen and len(out) < n:
                seen.add(key)
                out.append(np.array(key))
    return out


def mean_vectors(sets: Sequence[np.ndarray], vocab_vecs: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """Unit-normalized mean of each set's descriptor vectors, float32 [len(sets), dim]."""
    from scipy.sparse import csr_matrix

    out = np.empty((len(sets), vocab_vecs.shape[1]), dtype=np.float32)
    for start in range(0, len(sets), chunk):
        part = sets[start : start + chunk]
        lengths = np.array([len(s) for s in part])
        rows = np.repeat(np.arange(len(part)), lengths)
        cols = np.concatenate(part) if part else np.zeros(0, dtype=np.int64)
        weights = np.repeat(1.0 / np.maximum(lengths, 1), lengths)
        mat = csr_matrix((weights, (rows, cols)), shape=(len(part), len(vocab_vecs)), dtype=np.float32)
        block = np.asarray(mat @ vocab_vecs, dtype=np.float32)
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-12)
        out[start : start + len(part)] = block
    return out


def random_unit_vectors(n: int, dim: int, seed: int = 0) -> np.ndarray:
    """``n`` random unit vectors (the worst case for ANN: no cluster structure)."""
    rng = np.random.default_rng(seed + 3)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        block = rng.standard_normal((min(100_000, n - start), dim)).astype(np.float32)
        out[start : start + len(block)] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out
