"""A FAISS vector index over descriptor-set embeddings, saved with a manifest that guards against staleness.

* Exact search (``IndexFlatIP``) below ``IndexConfig.exact_max`` vectors (1e5 by default): at that size
  a brute-force scan over 384-d float32 takes a few ms on 2 cores and recall is 1 by definition.
* HNSW at and above it: by default a graph over 8-bit scalar-quantized codes (``IndexHNSWSQ``) whose
  top ``k * refine_factor`` are re-ranked with the exact float vectors (``IndexRefineFlat``), so the
  returned scores are exact cosines. ``M=32, efConstruction=40`` and ``efSearch`` growing with the
  count (``ef_search_for``: 192 at 1e5, 768 at 1e6) were chosen with ``cratedigger bench retrieval``
  for recall@10 >= 0.95 against exact search (docs/performance.md).
* ``metric="cosine"`` L2-normalizes vectors and queries (cosine = inner product on unit vectors);
  ``metric="dot"`` uses raw inner products.

``save(dir, manifest)`` writes ``index.faiss`` and ``manifest.json`` (model id and hash, catalog hash,
index type, metric, dim, count, created) into a temporary sibling folder and renames it into place, so
a crash never leaves a half-written index (``retrieval.index.folder``). ``load(dir, expected)`` compares
the stored manifest with ``expected`` and raises :class:`IndexMismatchError` naming each difference and
the command to rebuild, or :class:`IndexDamagedError` when a file is missing, truncated or disagrees
with the manifest (``retrieval.index.checks``).

Out of scope: encoding texts (``retrieval.models.encoder``), what is indexed beside the vectors
(``retrieval.search.assembly``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.checks import check_index_fields, read_faiss, settings
from retrieval.index.config import IndexConfig, ef_search_for
from retrieval.index.folder import INDEX_FILE, atomic_dir
from retrieval.index.manifest import IndexManifest, check_manifest, damage_reporter, read_manifest

logger = logging.getLogger(__name__)

__all__ = ["IndexConfig", "VectorIndex", "ef_search_for", "index_nbytes"]


def _hnsw(index: Any) -> Any:
    """The HNSW graph of an ``IndexHNSW*`` or of the base of an ``IndexRefine``."""
    import faiss

    if hasattr(index, "hnsw"):
        return index.hnsw
    base: Any = faiss.downcast_index(index.base_index)
    return base.hnsw


def index_nbytes(index: Any) -> int:
    """Memory of a flat, HNSW or refined-HNSW FAISS index: codes plus graph links (no serialization)."""
    import faiss

    index = faiss.downcast_index(index)
    if hasattr(index, "refine_index"):
        return index_nbytes(index.base_index) + index_nbytes(index.refine_index)
    total, storage = 0, index
    if hasattr(index, "hnsw"):
        hnsw = index.hnsw
        total += hnsw.neighbors.size() * 4 + hnsw.offsets.size() * 8 + hnsw.levels.size() * 4
        storage = faiss.downcast_index(index.storage)
    return total + int(storage.ntotal) * int(getattr(storage, "code_size", storage.d * 4))


def _build_hnsw(arr: np.ndarray, config: IndexConfig) -> Any:
    import faiss

    n, dim = arr.shape
    if config.storage == "flat":
        index = faiss.IndexHNSWFlat(dim, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = config.ef_construction
        index.add(arr)
        return index
    if config.storage != "sq8":
        raise ValueError(f"storage must be 'sq8' or 'flat', got {config.storage!r}")
    qtype: Any = faiss.ScalarQuantizer.QT_8bit
    base = faiss.IndexHNSWSQ(dim, qtype, config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
    base.hnsw.efConstruction = config.ef_construction
    sample = arr if n <= 100_000 else arr[np.random.default_rng(0).choice(n, 100_000, replace=False)]
    base.train(sample)
    refined = faiss.IndexRefineFlat(base)
    refined.k_factor = config.refine_factor
    refined.add(arr)
    return refined


def _as_matrix(vectors: Any, what: str) -> np.ndarray:
    arr = np.ascontiguousarray(np.asarray(vectors, dtype=np.float32))
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise ValueError(f"{what} must be a 2-d float array [n, dim], got shape {arr.shape}")
    return arr


def _normalize(arr: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


class VectorIndex:
    """Inner-product FAISS index (exact or HNSW) with cosine or dot metric.

    Example:
        >>> import numpy as np
        >>> idx = VectorIndex.build(np.eye(3, dtype="float32"))
        >>> scores, ids = idx.search(np.array([[0.0, 1.0, 0.1]], dtype="float32"), k=1)
        >>> int(ids[0, 0]), idx.kind
        (1, 'flat')
    """

    def __init__(self, index: Any, metric: str, kind: str, config: IndexConfig | None = None) -> None:
        self.index = index
        self.metric = metric
        self.kind = kind
        self.config = config or IndexConfig()
        if kind == "hnsw":
            _hnsw(index).efSearch = self.config.ef_search or ef_search_for(int(index.ntotal))
            if hasattr(index, "k_factor"):
                index.k_factor = self.config.refine_factor

    @classmethod
    def build(
        cls, vectors: Any, metric: str = "cosine", kind: str = "auto", config: IndexConfig | None = None
    ) -> VectorIndex:
        """Index ``vectors`` (float32 [n, dim]).

        Args:
            vectors: one row per document.
            metric: ``"cosine"`` (normalize) or ``"dot"``.
            kind: ``"flat"`` (exact), ``"hnsw"``, or ``"auto"`` (flat below ``config.exact_max``).
            config: HNSW parameters and the auto threshold.
        """
        import faiss

        config = config or IndexConfig()
        if metric not in ("cosine", "dot"):
            raise ValueError(f"metric must be 'cosine' or 'dot', got {metric!r}")
        arr = _as_matrix(vectors, "vectors")
        if metric == "cosine":
            arr = _normalize(arr)
        if kind == "auto":
            kind = "flat" if arr.shape[0] < config.exact_max else "hnsw"
        start = time.perf_counter()
        index: Any
        if kind == "flat":
            index = faiss.IndexFlatIP(arr.shape[1])
            index.add(arr)
        elif kind == "hnsw":
            index = _build_hnsw(arr, config)
        else:
            raise ValueError(f"kind must be 'auto', 'flat' or 'hnsw', got {kind!r}")
        logger.debug("built %s index of %d x %d in %.2fs", kind, *arr.shape, time.perf_counter() - start)
        return cls(index, metric, kind, config)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def nbytes(self) -> int:
        """Memory of the index: stored vectors or codes plus graph links."""
        return index_nbytes(self.index)

    @property
    def ef_search(self) -> int | None:
        """The HNSW ``efSearch`` in use (None for exact search)."""
        return int(_hnsw(self.index).efSearch) if self.kind == "hnsw" else None

    @ef_search.setter
    def ef_search(self, value: int) -> None:
        _hnsw(self.index).efSearch = int(value)

    def vectors(self) -> np.ndarray:
        """All stored vectors (normalized when the metric is cosine), float32 [n, dim]."""
        return np.asarray(self.index.reconstruct_n(0, len(self)), dtype=np.float32)

    def search(self, queries: Any, k: int = 10) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` per query: ``(scores [n_q, k], ids [n_q, k])``; ids are -1 where fewer than k exist."""
        arr = _as_matrix(queries, "queries")
        if arr.shape[1] != self.dim:
            raise ValueError(f"queries have dim {arr.shape[1]}, the index has dim {self.dim}")
        if self.metric == "cosine":
            arr = _normalize(arr)
        k = max(1, min(int(k), max(len(self), 1)))
        if arr.shape[0] > self.config.small_batch:
            return self.index.search(arr, k)
        import faiss

        # One query gains nothing from OpenMP, and on busy cores each parallel region waits for a time
        # slice: a flat search over 1e4 vectors took 24 ms p50 with 2 threads and 0.3 ms with 1.
        before = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        try:
            return self.index.search(arr, k)
        finally:
            faiss.omp_set_num_threads(before)

    def manifest(self, **extra: Any) -> IndexManifest:
        """The manifest of this index, with ``extra`` fields (model id/hash, catalog hash...)."""
        return IndexManifest(index_type=self.kind, metric=self.metric, dim=self.dim, count=len(self),
                             config=asdict(self.config), extra=extra)

    def write_files(self, folder: Path, manifest: Mapping[str, Any]) -> dict[str, Any]:
        """Write ``index.faiss`` and ``manifest.json`` into an existing folder (not atomic; see ``save``)."""
        import faiss

        faiss.write_index(self.index, str(folder / INDEX_FILE))
        return self.manifest(**manifest).write(folder)

    def save(self, folder: str | Path, manifest: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Write the index and its manifest to ``folder`` atomically; returns the full manifest."""
        with atomic_dir(Path(folder)) as staging:
            return self.write_files(staging, manifest or {})

    @classmethod
    def load(
        cls, folder: str | Path, expected: Mapping[str, Any] | None = None, config: IndexConfig | None = None
    ) -> VectorIndex:
        """Load an index saved by ``save``.

        Raises:
            IndexMismatchError: no index at ``folder``, or it differs from ``expected``.
            IndexDamagedError: a file is missing or unreadable, or disagrees with the manifest.
        """
        import faiss

        folder = Path(folder)
        stored = read_manifest(folder, expected)
        damaged = damage_reporter(folder, expected)
        check_index_fields(stored, damaged)
        check_manifest(stored, expected or {}, folder)
        stored_config = settings(IndexConfig, stored.get("config", {}), "config", damaged)
        index = read_faiss(folder / INDEX_FILE, int(stored["dim"]), int(stored["count"]), damaged)
        if (stored["index_type"] == "flat") != isinstance(index, faiss.IndexFlat):
            raise damaged(f"{INDEX_FILE} holds an index of type {type(index).__name__}, the manifest says "
                          f"{stored['index_type']}")
        return cls(index, stored["metric"], stored["index_type"], config or stored_config)
