"""Ranking metrics for the paper's protocol: Recall@k, MRR@k and nDCG@k over BEIR-style qrels.

A *run* maps each query id to its ranked corpus ids (best first); *qrels* map each query id to
``{corpus_id: relevance}``, where relevance > 0 means relevant. Queries present in the qrels but
missing from the run score 0 (they are not dropped). Out of scope: reading files (see
``retrieval.evaluation.evaluate``) and producing rankings (see ``retrieval.retrievers``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

METRIC_NAMES = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")

Qrels = Mapping[str, Mapping[str, int]]
Run = Mapping[str, Sequence[str]]


def _relevant(judgements: Mapping[str, int]) -> set[str]:
    return {doc for doc, rel in judgements.items() if rel > 0}


def recall_at_k(ranked: Sequence[str], judgements: Mapping[str, int], k: int) -> float:
    """Fraction of the relevant documents found in the top ``k``.

    Example:
        >>> recall_at_k(["a", "b", "c"], {"c": 1}, 3)
        1.0
    """
    relevant = _relevant(judgements)
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def mrr_at_k(ranked: Sequence[str], judgements: Mapping[str, int], k: int) -> float:
    """Reciprocal rank of the first relevant document within the top ``k`` (0 when none).

    Example:
        >>> mrr_at_k(["a", "b", "c"], {"c": 1}, 10)
        0.3333333333333333
    """
    relevant = _relevant(judgements)
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in relevant:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], judgements: Mapping[str, int], k: int) -> float:
    """Normalised discounted cumulative gain with linear gains (relevance / log2(rank + 1)).

    Example:
        >>> ndcg_at_k(["a", "b", "c"], {"c": 1}, 10)
        0.5
    """
    gains = sorted((rel for rel in judgements.values() if rel > 0), reverse=True)
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))
    if ideal == 0:
        return 0.0
    dcg = sum(judgements.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    return max(dcg, 0.0) / ideal


def per_query_metrics(ranked: Sequence[str], judgements: Mapping[str, int]) -> dict[str, float]:
    """All of ``METRIC_NAMES`` for one query."""
    return {
        "recall@1": recall_at_k(ranked, judgements, 1),
        "recall@5": recall_at_k(ranked, judgements, 5),
        "recall@10": recall_at_k(ranked, judgements, 10),
        "mrr@10": mrr_at_k(ranked, judgements, 10),
        "ndcg@10": ndcg_at_k(ranked, judgements, 10),
    }


def compute_metrics(run: Run, qrels: Qrels) -> dict[str, float]:
    """Mean of each metric over the queries of ``qrels`` (queries absent from ``run`` count as misses).

    Example:
        >>> compute_metrics({"q1": ["a", "b", "c"]}, {"q1": {"c": 1}})["mrr@10"]
        0.3333333333333333
    """
    if not qrels:
        return {name: 0.0 for name in METRIC_NAMES}
    totals = dict.fromkeys(METRIC_NAMES, 0.0)
    for qid, judgements in qrels.items():
        for name, value in per_query_metrics(run.get(qid, ()), judgements).items():
            totals[name] += value
    return {name: total / len(qrels) for name, total in totals.items()}
