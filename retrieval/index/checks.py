"""Reading an index folder's files defensively: every way they can be damaged becomes one error.

Each reader takes a ``Damage`` function (``retrieval.index.manifest.damage_reporter``) and raises what
it returns, an ``IndexDamagedError`` naming the file and the problem, instead of letting a FAISS,
NumPy or JSON exception out:

* manifest values: the index fields (``index_type`` flat/hnsw, ``metric`` one of ``SUPPORTED_METRICS``,
  ``dim``/``count`` positive ints, ``config`` an ``IndexConfig``) and the searcher fields (model and
  catalog names and hashes as text, ``songs``/``sets`` positive ints, ``retriever`` known,
  ``search_config`` a ``SearchConfig``). Setting values are checked against the dataclass field types
  (a bool is not an int, floats must be finite) plus ``RANGES`` and ``CHOICES``; unknown setting keys
  are ignored with a warning, so an index written by an older version with a since-removed setting loads;
* ``index.faiss``: its header must give the manifest's ``dim`` and ``count`` and the file must be large
  enough to hold the vectors before FAISS reads it (so random bytes never ask for a huge allocation);
  then it must read, use inner products and be of the manifest's ``index_type``;
* ``descriptor_vectors.npy``: ``np.load(allow_pickle=False)`` memory-mapped (a header claiming more
  data than the file holds fails cleanly), shape ``[descriptors, dim]``, a float dtype, finite values;
* ``descriptors.json``: a JSON list of strings.

Out of scope: comparing the folder with the requested model or catalog (``retrieval.index.manifest``).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import struct
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.manifest import Damage

logger = logging.getLogger(__name__)

SUPPORTED_METRICS = ("cosine", "dot")
INDEX_TYPES = ("flat", "hnsw")
RETRIEVER_NAMES = ("tfidf", "bm25", "dense", "hybrid")
# Inclusive (low, high) bounds for numeric settings; None: unbounded on that side.
RANGES: dict[str, tuple[float | None, float | None]] = {
    "candidates": (1, None), "max_query_chars": (1, None), "batch_size": (1, None),
    "query_threads": (1, None),
    "coverage_weight": (0, 1), "include_weight": (0, None),
    "exact_max": (1, None), "hnsw_m": (2, None), "ef_construction": (1, None), "ef_search": (1, None),
    "refine_factor": (1, None), "small_batch": (1, None),
}
CHOICES: dict[str, tuple[str, ...]] = {
    "retriever": RETRIEVER_NAMES, "song_scoring": ("set", "coverage", "combined"),
    "avoid_mode": ("remove", "demote"), "retrieval_text": ("request", "phrases"), "storage": ("sq8", "flat"),
}
_TYPES: dict[str, tuple[type, ...]] = {"int": (int,), "float": (int, float), "str": (str,), "bool": (bool,)}
_FAISS_HEADER = struct.Struct("<4siq")  # fourcc, dim (int32), count (int64): common to every FAISS index


def _type_ok(annotation: str, value: Any) -> bool:
    options = [part.strip() for part in annotation.split("|")]
    if value is None:
        return "None" in options
    for option in options:
        kinds = _TYPES.get(option, ())
        if isinstance(value, bool) and option != "bool":
            continue
        if isinstance(value, kinds) and not (isinstance(value, float) and not math.isfinite(value)):
            return True
    return False


def _value_problem(name: str, annotation: str, value: Any) -> str | None:
    if not _type_ok(annotation, value):
        return f"{name} is {value!r}, expected {annotation}"
    if name in CHOICES and value not in CHOICES[name]:
        return f"{name} is {value!r}, expected one of {', '.join(CHOICES[name])}"
    low, high = RANGES.get(name, (None, None))
    if value is not None and ((low is not None and value < low) or (high is not None and value > high)):
        bounds = f"at least {low}" if high is None else f"between {low} and {high}"
        return f"{name} is {value!r}, expected {bounds}"
    return None


def settings(cls: Any, values: Any, what: str, damaged: Damage) -> Any:
    """``cls(**values)`` for a settings dataclass, after checking each value (see the module docstring)."""
    if not isinstance(values, dict):
        raise damaged(f"manifest.json: {what} is a {type(values).__name__}, expected an object")
    fields = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        logger.warning("ignoring unknown %s settings in the index manifest: %s", what, ", ".join(unknown))
    known = {k: v for k, v in values.items() if k in fields}
    for key, value in known.items():
        problem = _value_problem(key, fields[key], value)
        if problem:
            raise damaged(f"manifest.json: {what}.{problem}")
    try:
        return cls(**known)
    except (TypeError, ValueError) as exc:
        raise damaged(f"manifest.json: {what}: {exc}") from exc


def _field(stored: Mapping[str, Any], key: str, annotation: str, damaged: Damage) -> Any:
    if key not in stored:
        raise damaged(f"manifest.json has no {key!r}")
    problem = _value_problem(key, annotation, stored[key])
    if problem:
        raise damaged(f"manifest.json: {problem}")
    return stored[key]


def check_index_fields(stored: Mapping[str, Any], damaged: Damage) -> None:
    """The manifest fields of a FAISS index: ``index_type``, ``metric``, ``dim`` and ``count``."""
    kind = _field(stored, "index_type", "str", damaged)
    if kind not in INDEX_TYPES:
        raise damaged(f"manifest.json: index_type is {kind!r}, expected one of {', '.join(INDEX_TYPES)}")
    metric = _field(stored, "metric", "str", damaged)
    if metric not in SUPPORTED_METRICS:
        raise damaged(f"manifest.json: metric is {metric!r}, expected one of {', '.join(SUPPORTED_METRICS)}")
    for key in ("dim", "count"):
        if _field(stored, key, "int", damaged) < 1:
            raise damaged(f"manifest.json: {key} is {stored[key]!r}, expected a positive integer")


def check_searcher_fields(stored: Mapping[str, Any], damaged: Damage) -> None:
    """The manifest fields a saved ``Searcher`` needs (names, hashes, sizes, retriever, index part)."""
    for key in ("model_id", "model_hash", "catalog_hash", "catalog_name"):
        if not _field(stored, key, "str", damaged).strip():
            raise damaged(f"manifest.json: {key} is empty")
    for key in ("model_name", "catalog_spec"):
        if key in stored:
            _field(stored, key, "str", damaged)
    for key in ("songs", "sets"):
        if _field(stored, key, "int", damaged) < 1:
            raise damaged(f"manifest.json: {key} is {stored[key]!r}, expected a positive integer")
    retriever = _field(stored, "retriever", "str", damaged)
    config = stored.get("search_config")
    if isinstance(config, dict) and config.get("retriever", retriever) != retriever:
        raise damaged(f"manifest.json: retriever is {retriever!r} but search_config.retriever is "
                      f"{config.get('retriever')!r}")
    if retriever in ("dense", "hybrid"):
        check_index_fields(stored, damaged)
        if stored["count"] != stored["sets"]:
            raise damaged(f"manifest.json: count is {stored['count']} but sets is {stored['sets']}; the "
                          "index holds one vector per descriptor set")
    elif stored.get("index_type") != "none":
        raise damaged(f"manifest.json: index_type is {stored.get('index_type')!r}, expected 'none' for the "
                      f"{retriever} retriever")


def read_faiss(path: Path, dim: int, count: int, damaged: Damage) -> Any:
    """The FAISS index in ``path``, checked against the manifest's ``dim`` and ``count``."""
    import faiss

    try:
        with path.open("rb") as handle:
            head = handle.read(_FAISS_HEADER.size)
        size = path.stat().st_size
    except OSError as exc:
        raise damaged(f"{path.name} cannot be read: {exc}") from exc
    if len(head) < _FAISS_HEADER.size:
        raise damaged(f"{path.name} is {size} bytes, too short for a FAISS index")
    _, file_dim, file_count = _FAISS_HEADER.unpack(head)
    if (file_dim, file_count) != (dim, count):
        raise damaged(f"{path.name}'s header gives {file_count} x {file_dim} vectors, the manifest "
                      f"{count} x {dim}")
    if size < _FAISS_HEADER.size + count * dim * 4:
        raise damaged(f"{path.name} is {size:,} bytes, too short for {count} x {dim} float32 vectors "
                      "(truncated?)")
    try:
        index = faiss.read_index(str(path))
    except (RuntimeError, MemoryError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[-1][:200] if str(exc).strip() else type(exc).__name__
        raise damaged(f"{path.name} does not read as a FAISS index: {reason}") from exc
    if int(index.metric_type) != faiss.METRIC_INNER_PRODUCT:
        raise damaged(f"{path.name} uses FAISS metric {int(index.metric_type)}, expected inner product")
    return index


def read_descriptors(path: Path, damaged: Damage) -> list[str]:
    """The descriptor list in ``descriptors.json``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise damaged(f"{path.name} is missing") from exc
    except (OSError, ValueError) as exc:
        raise damaged(f"{path.name} is not valid JSON: {exc}") from exc
    if not isinstance(data, list) or not all(isinstance(d, str) for d in data):
        raise damaged(f"{path.name} should hold a JSON list of strings")
    return data


def read_vectors(path: Path, rows: int, dim: int, damaged: Damage) -> np.ndarray:
    """``descriptor_vectors.npy`` as float32 ``[rows, dim]`` (no pickles; see the module docstring)."""
    try:
        mapped = np.load(path, allow_pickle=False, mmap_mode="r")
    except FileNotFoundError as exc:
        raise damaged(f"{path.name} is missing") from exc
    except (OSError, ValueError, EOFError) as exc:
        raise damaged(f"{path.name} is not a readable .npy array: {exc}") from exc
    if mapped.ndim != 2 or mapped.shape != (rows, dim):
        raise damaged(f"{path.name} has shape {tuple(mapped.shape)}, expected ({rows}, {dim}): one "
                      f"{dim}-d vector per descriptor")
    if mapped.dtype.kind != "f":
        raise damaged(f"{path.name} holds {mapped.dtype} values, expected float32")
    vectors = np.array(mapped, dtype=np.float32)
    if not np.isfinite(vectors).all():
        raise damaged(f"{path.name} holds NaN or infinite values")
    return vectors
