"""A FAISS vector index over descriptor-set embeddings, saved with a manifest that guards against staleness.

* Exact search (``IndexFlatIP``) below ``IndexConfig.exact_max`` vectors (1e5 by default): at that size
  a brute-force scan over 384-d float32 takes a few ms on 2 cores and recall is 1 by definition.
* HNSW (``IndexHNSWFlat``, inner product) at and above it. ``M=32, efConstruction=80, efSearch=96``
  were chosen with ``cratedigger bench retrieval`` (docs/performance.md): recall@10 vs exact >= 0.95
  at 1e6 vectors and p50 well under 5 ms.
* ``metric="cosine"`` L2-normalizes vectors and queries (cosine = inner product on unit vectors);
  ``metric="dot"`` uses raw inner products.

``save(dir, manifest)`` writes ``index.faiss`` and ``manifest.json`` (model id and hash, catalog hash,
index type, metric, dim, count, created) into a temporary sibling folder and renames it into place, so
a crash never leaves a half-written index. ``load(dir, expected)`` compares the stored manifest with
``expected`` and raises :class:`IndexMismatchError` naming each difference and the command to rebuild.

Out of scope: encoding texts (see ``retrieval.retrievers``), catalogs and songs (see ``retrieval.searcher``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.errors import IndexMismatchError

logger = logging.getLogger(__name__)

INDEX_FILE = "index.faiss"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1
# Keys compared on load when present in the expected manifest, in the order they are reported.
CHECKED_KEYS = ("format", "model_id", "model_hash", "catalog_hash", "metric", "dim", "index_type", "count")


@dataclass(frozen=True)
class IndexConfig:
    """How the index is built. ``exact_max``: largest vector count searched exactly."""

    exact_max: int = 100_000
    hnsw_m: int = 32
    ef_construction: int = 40
    ef_search: int = 96
    small_batch: int = 16  # searches of at most this many queries run on one OpenMP thread


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
            index.hnsw.efSearch = self.config.ef_search

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
        index: Any
        if kind == "flat":
            index = faiss.IndexFlatIP(arr.shape[1])
        elif kind == "hnsw":
            index = faiss.IndexHNSWFlat(arr.shape[1], config.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = config.ef_construction
        else:
            raise ValueError(f"kind must be 'auto', 'flat' or 'hnsw', got {kind!r}")
        start = time.perf_counter()
        index.add(arr)
        logger.debug("built %s index of %d x %d in %.2fs", kind, *arr.shape, time.perf_counter() - start)
        return cls(index, metric, kind, config)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def nbytes(self) -> int:
        """Bytes of the serialized index (vectors plus graph)."""
        import faiss

        return int(faiss.serialize_index(self.index).nbytes)

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

    def manifest(self, **extra: Any) -> dict[str, Any]:
        """The manifest fields this index contributes, plus ``extra`` (model id/hash, catalog hash...)."""
        return {
            "format": FORMAT_VERSION,
            "index_type": self.kind,
            "metric": self.metric,
            "dim": self.dim,
            "count": len(self),
            "config": asdict(self.config),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            **extra,
        }

    def write_files(self, folder: Path, manifest: Mapping[str, Any]) -> dict[str, Any]:
        """Write ``index.faiss`` and ``manifest.json`` into an existing folder (not atomic; see ``save``)."""
        import faiss

        full = {**self.manifest(), **dict(manifest)}
        for key in ("index_type", "metric", "dim", "count", "format"):
            full[key] = self.manifest()[key]
        faiss.write_index(self.index, str(folder / INDEX_FILE))
        (folder / MANIFEST_FILE).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n")
        return full

    def save(self, folder: str | Path, manifest: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Write the index and its manifest to ``folder`` atomically; returns the full manifest."""
        with atomic_dir(Path(folder)) as staging:
            return self.write_files(staging, manifest or {})

    @classmethod
    def load(
        cls, folder: str | Path, expected: Mapping[str, Any] | None = None, config: IndexConfig | None = None
    ) -> VectorIndex:
        """Load an index saved by ``save``; raise ``IndexMismatchError`` when it differs from ``expected``."""
        import faiss

        folder = Path(folder)
        stored = read_manifest(folder, expected)
        check_manifest(stored, expected or {}, folder)
        index = faiss.read_index(str(folder / INDEX_FILE))
        if int(index.ntotal) != stored.get("count") or int(index.d) != stored.get("dim"):
            hint = rebuild_hint(folder, expected)
            raise IndexMismatchError(
                f"{folder / INDEX_FILE} holds {index.ntotal} x {index.d} vectors but its manifest says "
                f"{stored.get('count')} x {stored.get('dim')}; the folder is corrupt. {hint}"
            )
        stored_config = IndexConfig(**stored.get("config", {}))
        return cls(index, stored["metric"], stored["index_type"], config or stored_config)


def rebuild_hint(folder: Path, expected: Mapping[str, Any] | None) -> str:
    """The command that rebuilds ``folder`` (spec and model taken from ``expected`` when known)."""
    expected = expected or {}
    spec = expected.get("catalog_spec") or "SPEC"
    model = expected.get("model_name") or expected.get("model_id") or "NAME"
    return f"Rebuild it with `cratedigger index --catalog {spec} --model {model} --out {folder}`."


def read_manifest(
    folder: Path, expected: Mapping[str, Any] | None = None, require_index: bool = True
) -> dict[str, Any]:
    """The manifest of an index folder; ``IndexMismatchError`` when missing or unreadable."""
    path = folder / MANIFEST_FILE
    hint = rebuild_hint(folder, expected)
    if not path.is_file() or (require_index and not (folder / INDEX_FILE).is_file()):
        need = f"{MANIFEST_FILE} and {INDEX_FILE}" if require_index else MANIFEST_FILE
        raise IndexMismatchError(f"no index at {folder}: expected {need}. {hint}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise IndexMismatchError(f"{path} is not valid JSON ({exc}). {hint}") from exc
    if not isinstance(data, dict):
        raise IndexMismatchError(f"{path} should hold a JSON object. {hint}")
    return data


def check_manifest(stored: Mapping[str, Any], expected: Mapping[str, Any], folder: Path) -> None:
    """Raise ``IndexMismatchError`` listing every checked key where ``stored`` differs from ``expected``."""
    diffs = [
        f"{key}: index has {stored.get(key)!r}, expected {expected[key]!r}"
        for key in CHECKED_KEYS
        if key in expected and stored.get(key) != expected[key]
    ]
    if diffs:
        raise IndexMismatchError(
            f"the index at {folder} is stale or was built for something else ({'; '.join(diffs)}). "
            + rebuild_hint(folder, expected)
        )


@contextlib.contextmanager
def atomic_dir(target: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside ``target``; on success it replaces ``target`` by rename.

    On an exception the staging folder is removed and ``target`` is left untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        yield staging
        old = None
        if target.exists():
            old = target.parent / f".{target.name}.old-{os.getpid()}-{time.time_ns()}"
            target.rename(old)
        staging.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


_HASH_CACHE: dict[tuple[str, int, int], str] = {}
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".gguf", ".onnx")


def model_hash(model_path: str) -> str:
    """sha256 over a model folder's config and weight files (cached per path/size/mtime).

    A hub name that is not a local path hashes to ``"name:<name>"`` (we cannot read its weights).
    """
    path = Path(model_path)
    if not path.exists():
        return f"name:{model_path}"
    files = sorted(
        p for p in (path.rglob("*") if path.is_dir() else [path])
        if p.is_file() and (p.suffix in _WEIGHT_SUFFIXES or p.name in ("config.json", "modules.json"))
    )
    stat_key = sum(p.stat().st_size for p in files), max((p.stat().st_mtime_ns for p in files), default=0)
    key = (str(path.resolve()), *stat_key)
    if key in _HASH_CACHE:
        return _HASH_CACHE[key]
    digest = hashlib.sha256()
    for p in files:
        digest.update(str(p.relative_to(path) if path.is_dir() else p.name).encode())
        with p.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    _HASH_CACHE[key] = digest.hexdigest()
    return _HASH_CACHE[key]
