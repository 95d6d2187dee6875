"""Worked examples for retrieval.evaluation.metrics, each checkable by hand."""

from __future__ import annotations

import math

import pytest

from retrieval.evaluation.metrics import (
    METRIC_NAMES,
    compute_metrics,
    mrr_at_k,
    ndcg_at_k,
    per_query_metrics,
    recall_at_k,
)


def test_one_relevant_at_rank_three() -> None:
    # ranked: x, y, REL -> R@1 = 0, R@5 = 1, MRR@10 = 1/3, nDCG@10 = (1/log2(4)) / (1/log2(2)) = 0.5
    m = per_query_metrics(["x", "y", "rel", "z"], {"rel": 1})
    assert m == {
        "recall@1": 0.0,
        "recall@5": 1.0,
        "recall@10": 1.0,
        "mrr@10": pytest.approx(1 / 3),
        "ndcg@10": pytest.approx(0.5),
    }


def test_two_relevant_documents() -> None:
    # ranked: a(rel), x, b(rel): R@1 = 1/2, R@5 = 1, MRR = 1,
    # nDCG = (1/log2(2) + 1/log2(4)) / (1/log2(2) + 1/log2(3)) = 1.5 / 1.6309 = 0.9197
    ranked, qrels = ["a", "x", "b"], {"a": 1, "b": 1}
    assert recall_at_k(ranked, qrels, 1) == 0.5
    assert recall_at_k(ranked, qrels, 5) == 1.0
    assert mrr_at_k(ranked, qrels, 10) == 1.0
    assert ndcg_at_k(ranked, qrels, 10) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at_k(ranked, qrels, 10) == pytest.approx(0.9197, abs=1e-4)


def test_relevant_beyond_cutoff_scores_zero() -> None:
    ranked = [f"d{i}" for i in range(20)]
    m = per_query_metrics(ranked, {"d10": 1})  # 11th place: outside every cutoff
    assert all(value == 0.0 for value in m.values())
    assert recall_at_k(ranked, {"d10": 1}, 11) == 1.0


def test_graded_relevance_in_ndcg() -> None:
    # gains 2 (at rank 2) and 1 (rank 1): DCG = 1 + 2/log2(3); ideal = 2 + 1/log2(3)
    value = ndcg_at_k(["b", "a"], {"a": 2, "b": 1}, 10)
    assert value == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))


def test_zero_scores_are_not_relevant() -> None:
    assert recall_at_k(["a"], {"a": 0}, 1) == 0.0
    assert ndcg_at_k(["a"], {"a": 0}, 10) == 0.0


def test_compute_metrics_averages_and_counts_missing_queries() -> None:
    # q1: relevant first (all 1.0); q2: no ranking at all (all 0) -> every mean is 0.5
    run = {"q1": ["a", "b"]}
    qrels = {"q1": {"a": 1}, "q2": {"c": 1}}
    assert compute_metrics(run, qrels) == dict.fromkeys(METRIC_NAMES, 0.5)


def test_compute_metrics_on_empty_qrels() -> None:
    assert compute_metrics({}, {}) == dict.fromkeys(METRIC_NAMES, 0.0)
