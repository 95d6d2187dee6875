"""Shared helpers for retrievers that score every document: exact top-k and score normalization.

Out of scope: approximate search (``retrieval.index.vector_index``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from retrieval.retrievers.base import Ranking

MAX_SCORE_CELLS = 20_000_000  # queries x documents scored at once (80 MB of float32)


def top_k(scores: np.ndarray, k: int) -> list[Ranking]:
    """Best ``k`` (index, score) pairs per row, best first; ties go to the lower index.

    Example:
        >>> top_k(np.array([[0.1, 0.9, 0.5]]), 2)
        [[(1, 0.9), (2, 0.5)]]
    """
    n_docs = scores.shape[1]
    k = min(k, n_docs)
    if k <= 0:
        return [[] for _ in range(scores.shape[0])]
    out: list[Ranking] = []
    for row in scores:
        if k < n_docs:
            part = np.argpartition(-row, k - 1)[:k]
            # include every index tied with the k-th score so ties resolve by index, deterministically
            cut = row[part].min()
            part = np.flatnonzero(row >= cut)
        else:
            part = np.arange(n_docs)
        order = part[np.lexsort((part, -row[part]))][:k]
        out.append([(int(i), float(row[i])) for i in order])
    return out


def search_by_scores(
    score_fn: Callable[[Sequence[str]], np.ndarray], queries: Sequence[str], k: int, n_docs: int
) -> list[Ranking]:
    """Exact top-k by scoring all documents, in query chunks that bound memory."""
    chunk = max(1, MAX_SCORE_CELLS // max(n_docs, 1))
    out: list[Ranking] = []
    for start in range(0, len(queries), chunk):
        out.extend(top_k(score_fn(queries[start : start + chunk]), k))
    return out


def normalize(scores: np.ndarray, method: str) -> np.ndarray:
    """Per-query normalization of a score matrix [n_queries, n_docs].

    ``minmax``: (s - min) / (max - min), 0 when a row is constant; ``zscore``: (s - mean) / std;
    ``rrf``: 1 / (60 + rank), rank 1 for the best document (reciprocal rank fusion).

    Example:
        >>> normalize(np.array([[1.0, 3.0, 2.0]]), "minmax").tolist()
        [[0.0, 1.0, 0.5]]
    """
    scores = np.asarray(scores, dtype=np.float64)
    if method == "minmax":
        low, high = scores.min(axis=1, keepdims=True), scores.max(axis=1, keepdims=True)
        span = np.where(high - low > 0, high - low, 1.0)
        return (scores - low) / span
    if method == "zscore":
        std = scores.std(axis=1, keepdims=True)
        return (scores - scores.mean(axis=1, keepdims=True)) / np.where(std > 0, std, 1.0)
    if method == "rrf":
        order = np.argsort(-scores, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(
            ranks, order, np.arange(1, scores.shape[1] + 1)[None, :].repeat(len(scores), 0), axis=1
        )
        return 1.0 / (60.0 + ranks)
    raise ValueError(f"normalization must be 'minmax', 'zscore' or 'rrf', got {method!r}")
