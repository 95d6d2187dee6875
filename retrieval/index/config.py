"""How a vector index is built: ``IndexConfig`` and the HNSW ``efSearch`` rule (no numpy, no FAISS).

Kept apart from ``retrieval.index.vector_index`` so the CLI can show the defaults without importing
numpy. Out of scope: building and searching the index (``retrieval.index.vector_index``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndexConfig:
    """How the index is built. ``exact_max``: largest vector count searched exactly."""

    exact_max: int = 100_000
    hnsw_m: int = 32
    ef_construction: int = 40
    ef_search: int | None = None  # None: ``ef_search_for(count)``
    storage: str = "sq8"  # "sq8": graph over 8-bit codes, exact re-ranking; "flat": graph over floats
    refine_factor: int = 4  # "sq8": candidates re-ranked exactly = k * refine_factor
    small_batch: int = 16  # searches of at most this many queries run on one OpenMP thread


def ef_search_for(count: int) -> int:
    """HNSW ``efSearch`` for ``count`` vectors: 192 at 1e5, 768 at 1e6 (recall@10 >= 0.95 there).

    Example:
        >>> ef_search_for(100_000), ef_search_for(1_000_000)
        (192, 764)
    """
    return int(min(1024, max(64, round(192 * (max(count, 1) / 1e5) ** 0.6))))
