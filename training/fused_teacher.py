"""BM25 z-scores of mined triplets, for margins from the cross-encoder fused with BM25.

The served BM25 (``retrieval.retrievers.BM25Retriever``, plain: no query expansion) scores every query
against the run's corpus; a document's z-score is its BM25 score minus the mean of the query's top
``depth`` scores, over their standard deviation. ``benchmarks/teacher_rerank.py`` fuses the same way
(over BM25's top 100) when it scores the teacher as a reranker. Out of scope: the cross-encoder's
scores (``training.negatives``) and the margins themselves (``training.pseudo_labels``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

logger = logging.getLogger(__name__)


def query_zscores(scores: np.ndarray, depth: int) -> np.ndarray:
    """``scores`` (one query over the corpus) z-scored by the mean and spread of its top ``depth``.

    Example:
        >>> query_zscores(np.array([4.0, 2.0, 0.0, 0.0]), depth=2).tolist()
        [1.0, -1.0, -3.0, -3.0]
    """
    top = np.partition(scores, -min(depth, len(scores)))[-min(depth, len(scores)):]
    spread = float(top.std())
    return (scores - float(top.mean())) / (spread if spread > 1e-9 else 1.0)


def bm25_zscores(rows: Sequence[dict], corpus: Sequence[str], depth: int = 100,
                 chunk: int = 512) -> tuple[list[float], list[float]]:
    """Per row (query, positive, negative), the BM25 z-scores of its positive and of its negative."""
    from retrieval.retrievers import BM25Retriever

    index = {text: i for i, text in enumerate(corpus)}
    missing = {t for r in rows for t in (r["positive"], r["negative"]) if t not in index}
    if missing:
        raise ValueError(f"{len(missing)} triplet texts are not in the run's corpus.jsonl (expected every "
                         f"positive and negative there, e.g. {sorted(missing)[0]!r}); rerun the data stage")
    bm25 = BM25Retriever().fit(list(corpus))
    queries = sorted({r["query"] for r in rows})
    z: dict[str, np.ndarray] = {}
    for start in range(0, len(queries), chunk):
        part = queries[start:start + chunk]
        for q, scores in zip(part, bm25.score_all(part), strict=True):
            z[q] = query_zscores(scores, depth)
    pos = [float(z[r["query"]][index[r["positive"]]]) for r in rows]
    neg = [float(z[r["query"]][index[r["negative"]]]) for r in rows]
    logger.info("bm25 z-scores for %d triplets (%d queries): mean positive %.2f, negative %.2f", len(rows),
                len(queries), float(np.mean(pos or [0.0])), float(np.mean(neg or [0.0])))
    return pos, neg
