"""Sentence models: the registry of short names, the models that ship in PyPI parts, the encoder.

Modules, imported one way: ``packaged_models`` and ``model_hash`` (leaves) ← ``registry`` ← ``encoder``;
``threads`` (torch thread settings) stands alone. This package re-exports the registry (no torch import).

Out of scope: indexes (``retrieval.index``) and ranking (``retrieval.retrievers``).
"""

from __future__ import annotations

from retrieval.models.registry import (
    HUB_NAMES,
    SHIPPED_MODEL,
    default_model,
    models_dir,
    resolve,
    setup_models,
    shipped_model_path,
)

__all__ = [
    "HUB_NAMES", "SHIPPED_MODEL", "default_model", "models_dir", "resolve", "setup_models",
    "shipped_model_path",
]
