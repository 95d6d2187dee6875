"""Worked examples for choosing which training pairs get mined negatives."""

from __future__ import annotations

import random

from training.negatives import NegativesConfig, sample_pairs

ROWS = [{"query": "sad piano", "positive": "piano, sad"}, {"query": "sad piano", "positive": "piano"},
        {"query": "loud rock", "positive": "rock, loud"}, {"query": "calm harp", "positive": "harp"}]


def test_unique_queries_keeps_one_pair_per_query() -> None:
    picked = sample_pairs(ROWS, NegativesConfig(queries=None), random.Random(0))
    assert sorted(p["query"] for p in picked) == ["calm harp", "loud rock", "sad piano"]


def test_queries_caps_the_sample_and_repeats_allowed_when_not_unique() -> None:
    assert len(sample_pairs(ROWS, NegativesConfig(queries=2), random.Random(0))) == 2
    every = sample_pairs(ROWS, NegativesConfig(queries=None, unique_queries=False), random.Random(0))
    assert sorted(p["positive"] for p in every) == sorted(r["positive"] for r in ROWS)


def test_select_keeps_candidates_below_the_threshold_one_per_retriever(tmp_path) -> None:
    from training.files import read_jsonl
    from training.negatives import _select

    cands = [{"qi": 0, "query": "q", "positive": "p", "negative": n, "retriever": r, "kind": "sentence"}
             for n, r in (("a", "bm25"), ("b", "bm25"), ("c", "dense"))]
    counts = _select(NegativesConfig(per_retriever=1), cands, [0.9], [0.7, 0.2, 0.1], tmp_path)
    assert counts == {"queries": 1, "candidates": 3, "dropped_relevant": 1, "kept": 2}
    assert [r["negative"] for r in read_jsonl(tmp_path / "negatives.jsonl")] == ["b", "c"]


def test_select_fails_loudly_when_the_teacher_calls_every_candidate_relevant(tmp_path) -> None:
    import pytest

    from training.negatives import NoNegativesError, _select

    cands = [{"qi": 0, "query": "q", "positive": "p", "negative": "a", "retriever": "bm25", "kind": "x"}]
    with pytest.raises(NoNegativesError, match=r"0 of 1 mined candidates kept.*relevant_threshold 0.5"):
        _select(NegativesConfig(), cands, [0.9], [0.6], tmp_path)
    assert not (tmp_path / "negatives.jsonl").exists()  # nothing half-written for the next stage
