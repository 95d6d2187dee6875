"""Bridges to ``retrieval.benchmark`` with private fallbacks used only while it is absent.

The training data must exclude exactly the dev tracks of the benchmark, so ``is_dev_track`` and
``sample_descriptor_set`` come from ``retrieval.benchmark`` whenever it is importable; the fallbacks
below exist so the pipeline's own tests run in isolation. Out of scope: building benchmarks.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from typing import Any

_WORD = re.compile(r"[a-z0-9]+")


def _fallback_split_sentences(caption: str) -> list[str]:
    parts = [p.strip().rstrip(".").strip() for p in caption.replace("\n", " ").split(". ")]
    return [p for p in parts if p]


def _fallback_is_dev_track(ytid: str) -> bool:
    return int(hashlib.sha256(ytid.encode()).hexdigest(), 16) % 100 < 15


def _fallback_sample_descriptor_set(
    sentence: str, descriptors: list[str], rng: random.Random
) -> list[str] | None:
    words = set(_WORD.findall(sentence.lower()))
    matched = [d for d in descriptors if set(_WORD.findall(d.lower())) & words]
    if not matched:
        return None
    k = rng.randint(1, len(matched))
    return rng.sample(matched, k)


def benchmark_functions() -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any], bool]:
    """(split_sentences, is_dev_track, sample_descriptor_set, from_benchmark)."""
    try:
        from retrieval import benchmark
    except ImportError:
        return (
            _fallback_split_sentences,
            _fallback_is_dev_track,
            _fallback_sample_descriptor_set,
            False,
        )
    return benchmark.split_sentences, benchmark.is_dev_track, benchmark.sample_descriptor_set, True
