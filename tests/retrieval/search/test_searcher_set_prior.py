"""The set prior on the search path: stored in the index's settings, the same after a load, off at 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.catalog import Catalog, load_catalog
from retrieval.search.config import SearchConfig
from retrieval.search.searcher import Searcher


@pytest.fixture(scope="module")
def jamendo_like(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Six songs tagged in the MTG-Jamendo vocabulary: "rock" alone is a common set, the rest are rare."""
    rows = [("j1", ["rock"]), ("j2", ["rock", "guitar", "energetic"]), ("j3", ["rock", "drums", "happy"]),
            ("j4", ["jazz", "piano", "calm"]), ("j5", ["electronic"]), ("j6", ["ambient", "synthesizer"])]
    path = tmp_path_factory.mktemp("jamendo-like") / "catalog.jsonl"
    path.write_text("".join(json.dumps({"id": i, "title": i, "descriptors": d}) + "\n" for i, d in rows))
    return load_catalog(str(path))[0]


def _hybrid(searcher: Searcher):  # type: ignore[no-untyped-def]
    return searcher.retriever


def test_the_prior_applies_to_a_jamendo_catalog_and_survives_save_and_load(
        jamendo_like: Catalog, tiny_model_path: Path, tmp_path: Path) -> None:
    built = Searcher.build(jamendo_like, model=str(tiny_model_path))
    assert _hybrid(built).prior_active and _hybrid(built).prior_weight == SearchConfig().set_prior_weight
    built.save(tmp_path / "idx")
    stored = json.loads((tmp_path / "idx" / "manifest.json").read_text())["search_config"]
    assert stored["set_prior_weight"] == 0.3
    loaded = Searcher.load(tmp_path / "idx")
    assert _hybrid(loaded).prior_active
    query = "loud guitar band with a big chorus"
    ids = [[h.song.id for h in s.search(query, k=6).songs] for s in (loaded, built)]
    assert ids[0] == ids[1]


def test_weight_zero_turns_it_off_and_the_demo_style_catalog_never_gets_it(
        jamendo_like: Catalog, catalog20_path: Path, tiny_model_path: Path, tmp_path: Path) -> None:
    off = Searcher.build(jamendo_like, model=str(tiny_model_path), config=SearchConfig(set_prior_weight=0.0))
    assert _hybrid(off).prior is None
    off.save(tmp_path / "off")
    assert _hybrid(Searcher.load(tmp_path / "off")).prior is None
    demo_style = Searcher.build(load_catalog(str(catalog20_path))[0], model=str(tiny_model_path))
    assert _hybrid(demo_style).prior is not None and not _hybrid(demo_style).prior_applies
    with pytest.raises(ValueError, match="set_prior_weight must be >= 0"):
        SearchConfig(set_prior_weight=-1.0)


def test_the_search_config_default_is_the_retrievers_default() -> None:
    from retrieval.retrievers.hybrid_retriever import DEFAULT_PRIOR_WEIGHT

    assert SearchConfig().set_prior_weight == DEFAULT_PRIOR_WEIGHT
