"""Timing the query encoder of a searcher, and the torch thread setting for serving.

``EncodeTimer`` wraps a searcher's encoder and adds up, per thread, the time spent in ``encode``, so a
turn can report encode and search separately. Out of scope: timing anything else (``chat.engine``).
"""

from __future__ import annotations

import threading
import time
from typing import Any


class EncodeTimer:
    """Wraps a searcher's encoder and adds up, per thread, the time spent in ``encode``."""

    def __init__(self, encoder: Any) -> None:
        self._encoder = encoder
        self._local = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._encoder, name)

    def encode(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self._encoder.encode(*args, **kwargs)
        finally:
            self._local.ms = getattr(self._local, "ms", 0.0) + _ms(started)

    def take_ms(self) -> float:
        """Time spent encoding in this thread since the last call."""
        ms, self._local.ms = getattr(self._local, "ms", 0.0), 0.0
        return float(ms)


def limit_torch_threads(n: int | None) -> None:
    """Use ``n`` torch threads for query encoding (None: leave torch's default).

    One short query per turn gains nothing from more threads, and on a busy machine (or beside the
    in-process LLM) OpenMP threads spin against each other: measured 1.7 s vs 35 ms for one encode on
    2 shared cores (docs/performance-chat.md). Call it after any index build, which does use them all.
    """
    if n:
        import torch

        torch.set_num_threads(n)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
