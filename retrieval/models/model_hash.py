"""A model's weight hash: what an index manifest records so a model changed in place is noticed.

Out of scope: resolving model names to paths (``retrieval.models.registry``) and comparing manifests
(``retrieval.index.manifest``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

_HASH_CACHE: dict[tuple[str, int, int], str] = {}
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".gguf", ".onnx")


def model_hash(model_path: str) -> str:
    """sha256 over a model folder's config and weight files (cached per path/size/mtime).

    A hub name that is not a local path hashes to ``"name:<name>"`` (we cannot read its weights).

    Example:
        >>> model_hash("sentence-transformers/all-MiniLM-L6-v2")
        'name:sentence-transformers/all-MiniLM-L6-v2'
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
