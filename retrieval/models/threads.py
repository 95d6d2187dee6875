"""Torch thread settings for query encoding: for one block (``torch_threads``) or for serving.

One thread encodes a single short query faster on a small, busy machine: with 2 threads on 2 shared
cores MiniLM took 72 ms p50 per query against 21 ms with 1 (docs/performance.md), and beside the
in-process LLM OpenMP threads spin against each other (docs/performance-chat.md).
Out of scope: encoding (``retrieval.models.encoder``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch threads (then restore); ``None`` leaves the setting alone.

    Example:
        >>> with torch_threads(None):
        ...     pass
    """
    if n is None:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def limit_torch_threads(n: int | None) -> None:
    """Use ``n`` torch threads from now on (None or 0: leave torch's default).

    Call it after any index build, which does use every core.

    Example:
        >>> limit_torch_threads(0)
    """
    if n:
        import torch

        torch.set_num_threads(n)
