"""The manifest of an index folder: ``IndexManifest`` (the one place its fields are put together),
reading and comparing it, the rebuild hint and the damage error.

``manifest.json`` holds the index fields (``format``, ``index_type``, and for a FAISS index ``metric``,
``dim``, ``count``, ``config``), ``created``, and what was indexed (for a searcher: model id, name and
weight hash, catalog hash, name and spec, songs, sets, retriever, search config; see
``retrieval.search.assembly``). The format on disk is a flat JSON object with sorted keys.

Out of scope: the FAISS index itself (``retrieval.index.vector_index``), what a searcher stores
(``retrieval.search.assembly``), checking each file (``retrieval.index.checks``), replacing a folder
safely (``retrieval.index.folder``) and model weight hashes (``retrieval.models.model_hash``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.errors import IndexDamagedError, IndexMismatchError
from retrieval.index.folder import INDEX_FILE, MANIFEST_FILE

__all__ = [
    "CHECKED_KEYS", "FORMAT_VERSION", "Damage", "IndexManifest", "check_manifest", "damage_reporter",
    "read_manifest", "rebuild_command", "rebuild_hint",
]
FORMAT_VERSION = 1
# Keys compared on load when present in the expected manifest, in the order they are reported.
CHECKED_KEYS = ("format", "model_id", "model_hash", "catalog_hash", "metric", "dim", "index_type", "count")
Damage = Callable[[str], IndexDamagedError]  # what is damaged -> the error to raise


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class IndexManifest:
    """What ``manifest.json`` says: the index fields, when it was written, and what was indexed.

    Args:
        index_type: ``flat`` or ``hnsw`` for a FAISS index, ``none`` for a folder without one.
        metric: ``cosine`` or ``dot`` (FAISS index only).
        dim: vector dimension (FAISS index only).
        count: vectors in the index (FAISS index only).
        config: the ``IndexConfig`` as a dict (FAISS index only).
        extra: what was indexed (model, catalog, search settings); the index fields above win over it.

    Example:
        >>> m = IndexManifest(extra={"model_id": "minilm"}, created="2024-01-01T00:00:00Z").to_dict()
        >>> m
        {'model_id': 'minilm', 'format': 1, 'index_type': 'none', 'created': '2024-01-01T00:00:00Z'}
    """

    index_type: str = "none"
    metric: str | None = None
    dim: int | None = None
    count: int | None = None
    config: dict[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    created: str = field(default_factory=_now)

    def to_dict(self) -> dict[str, Any]:
        """The flat JSON object written to ``manifest.json``."""
        index = {"metric": self.metric, "dim": self.dim, "count": self.count, "config": self.config}
        out = {**dict(self.extra), "format": FORMAT_VERSION, "index_type": self.index_type}
        out.update({k: v for k, v in index.items() if v is not None})
        out["created"] = self.created
        return out

    def write(self, folder: Path) -> dict[str, Any]:
        """Write ``manifest.json`` into ``folder``; returns what was written."""
        data = self.to_dict()
        (folder / MANIFEST_FILE).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return data


def rebuild_command(folder: Path, expected: Mapping[str, Any] | None) -> str:
    """The ``cratedigger index`` command that (re)builds ``folder``; ``--force`` when it exists."""
    expected = expected or {}
    spec = expected.get("catalog_spec") or "SPEC"
    model = expected.get("model_name") or expected.get("model_id") or "NAME"
    force = " --force" if Path(folder).exists() else ""
    return f"cratedigger index --catalog {spec} --model {model} --out {folder}{force}"


def rebuild_hint(folder: Path, expected: Mapping[str, Any] | None) -> str:
    """The sentence that tells how to rebuild ``folder`` (spec and model from ``expected`` when known)."""
    return f"Rebuild it with `{rebuild_command(folder, expected)}`."


def damage_reporter(folder: Path, expected: Mapping[str, Any] | None = None) -> Damage:
    """A function turning a description of the damage into the ``IndexDamagedError`` for ``folder``.

    Example:
        >>> damaged = damage_reporter(Path("/nowhere"), {"catalog_spec": "demo", "model_name": "minilm"})
        >>> msg = str(damaged("index.faiss is empty"))
        >>> msg.startswith("index at /nowhere is damaged (index.faiss is empty): rebuild with `cratedigger")
        True
        >>> msg.endswith(" index --catalog demo --model minilm --out /nowhere`")
        True
    """

    def damaged(what: str) -> IndexDamagedError:
        return IndexDamagedError(f"index at {folder} is damaged ({what}): rebuild with "
                                 f"`{rebuild_command(folder, expected)}`")

    return damaged


def read_manifest(
    folder: Path, expected: Mapping[str, Any] | None = None, require_index: bool = True
) -> dict[str, Any]:
    """The manifest of an index folder.

    Raises:
        IndexMismatchError: ``folder`` is missing or empty (no index there).
        IndexDamagedError: the manifest (or, with ``require_index``, ``index.faiss``) is missing or
            the manifest is not a JSON object.
    """
    path = folder / MANIFEST_FILE
    if not folder.is_dir() or not any(folder.iterdir()):
        need = f"{MANIFEST_FILE} and {INDEX_FILE}" if require_index else MANIFEST_FILE
        raise IndexMismatchError(f"no index at {folder}: expected {need}. {rebuild_hint(folder, expected)}")
    damaged = damage_reporter(folder, expected)
    for name in (MANIFEST_FILE, INDEX_FILE) if require_index else (MANIFEST_FILE,):
        if not (folder / name).is_file():
            raise damaged(f"{name} is missing")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise damaged(f"{MANIFEST_FILE} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise damaged(f"{MANIFEST_FILE} holds a JSON {type(data).__name__}, expected an object")
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
