"""Index folders: the manifest checks, the rebuild hint, the damage error and model weight hashes.

Out of scope: the FAISS index itself (``retrieval.vector_index``), what a searcher stores
(``retrieval.searcher_io``), checking each file (``retrieval.index_checks``) and replacing a folder
safely (``retrieval.index_folder``, whose ``atomic_dir`` is re-exported here).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from retrieval.errors import IndexDamagedError, IndexMismatchError
from retrieval.index_folder import INDEX_FILE, MANIFEST_FILE, atomic_dir

__all__ = [
    "CHECKED_KEYS", "FORMAT_VERSION", "INDEX_FILE", "MANIFEST_FILE", "Damage", "atomic_dir", "check_manifest",
    "damage_reporter", "model_hash", "read_manifest", "rebuild_command", "rebuild_hint",
]
FORMAT_VERSION = 1
# Keys compared on load when present in the expected manifest, in the order they are reported.
CHECKED_KEYS = ("format", "model_id", "model_hash", "catalog_hash", "metric", "dim", "index_type", "count")
Damage = Callable[[str], IndexDamagedError]  # what is damaged -> the error to raise


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
