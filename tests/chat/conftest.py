"""Chat test fixtures: real searchers over the 20-song fixture (tiny model) and the demo catalog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def catalog20_searcher(catalog20_path: Path, tiny_model_path: Path) -> Any:
    """A real hybrid ``Searcher`` over tests/fixtures/catalog20.jsonl with the 2-layer MiniLM."""
    from retrieval.catalog import load_catalog
    from retrieval.search.searcher import Searcher

    catalog, _ = load_catalog(str(catalog20_path))
    return Searcher.build(catalog, model=str(tiny_model_path))


@pytest.fixture(scope="session")
def demo_searcher() -> Any:
    """A real ``Searcher`` over the embedded demo catalog with the app's default model (built once)."""
    from retrieval.catalog import load_catalog
    from retrieval.models import default_model
    from retrieval.search.searcher import Searcher

    catalog, _ = load_catalog("demo")
    return Searcher.build(catalog, model=default_model())
