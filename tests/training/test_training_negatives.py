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
