"""A damaged index folder is one clear project error, from the API and from `cratedigger search`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.cli import main
from retrieval.errors import IndexDamagedError, IndexMismatchError
from retrieval.search.searcher import Searcher

VEC = "descriptor_vectors.npy"


@pytest.fixture(scope="module")
def built(cli_index: Path) -> Path:
    return cli_index


def _cut(path: Path, keep: int | None = None) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 if keep is None else keep])


def _edit(folder: Path, section: str | None = None, **changes: Any) -> None:
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    (manifest[section] if section else manifest).update(changes)
    path.write_text(json.dumps(manifest))


def _vectors(folder: Path, shape: tuple[int, ...], fill: Any = 1.0, dtype: str = "f4") -> None:
    np.save(folder / VEC, np.full(shape, fill, dtype=dtype))


def _faiss_l2(folder: Path) -> None:
    import faiss

    index = faiss.IndexFlatL2(384)
    index.add(np.ones((20, 384), dtype=np.float32))
    faiss.write_index(index, str(folder / "index.faiss"))


# (what is wrong, how to break the folder, words the message must contain)
CORRUPTIONS: list[tuple[str, Callable[[Path], None], str]] = [
    ("index.faiss truncated", lambda f: _cut(f / "index.faiss"), "index.faiss is"),
    ("index.faiss empty", lambda f: _cut(f / "index.faiss", 0), "too short for a FAISS index"),
    ("index.faiss random", lambda f: (f / "index.faiss").write_bytes(np.random.default_rng(0).bytes(4000)),
     "index.faiss's header gives"),
    ("index.faiss missing", lambda f: (f / "index.faiss").unlink(), "index.faiss is missing"),
    ("index.faiss an L2 index", _faiss_l2, "expected inner product"),
    ("vectors truncated", lambda f: _cut(f / VEC), "not a readable .npy array"),
    ("vectors missing", lambda f: (f / VEC).unlink(), f"{VEC} is missing"),
    ("vectors wrong width", lambda f: _vectors(f, (90, 8)), "expected (90, 384)"),
    ("vectors pickled", lambda f: np.save(f / VEC, np.array([{"x": 1}] * 90), allow_pickle=True),
     "not a readable .npy array"),
    ("vectors NaN", lambda f: _vectors(f, (90, 384), np.nan), "NaN"),
    ("vectors text", lambda f: _vectors(f, (90, 384), "x", "U1"), "expected float32"),
    ("descriptors invalid JSON", lambda f: (f / "descriptors.json").write_text('["a'), "not valid JSON"),
    ("descriptors missing", lambda f: (f / "descriptors.json").unlink(), "descriptors.json is missing"),
    ("descriptors not a list", lambda f: (f / "descriptors.json").write_text("{}"), "list of strings"),
    ("catalog missing", lambda f: (f / "catalog.jsonl").unlink(), "catalog.jsonl is missing"),
    ("catalog empty", lambda f: _cut(f / "catalog.jsonl", 0), "catalog.jsonl does not load"),
    ("manifest invalid JSON", lambda f: _cut(f / "manifest.json"), "manifest.json is not valid JSON"),
    ("manifest missing", lambda f: (f / "manifest.json").unlink(), "manifest.json is missing"),
    ("metric l2", lambda f: _edit(f, metric="l2"), "metric is 'l2', expected one of cosine, dot"),
    ("candidates -5", lambda f: _edit(f, "search_config", candidates=-5), "candidates is -5, expected at"),
    ("candidates text", lambda f: _edit(f, "search_config", candidates="100"), "candidates is '100'"),
    ("song_scoring unknown", lambda f: _edit(f, "search_config", song_scoring="x"), "song_scoring is 'x'"),
    ("search_config a list", lambda f: _edit(f, search_config=[1]), "search_config is a list"),
    ("model_id a number", lambda f: _edit(f, model_id=5), "model_id is 5"),
    ("index_type unknown", lambda f: _edit(f, index_type="ivf"), "index_type is 'ivf'"),
    ("dim edited", lambda f: _edit(f, dim=999), "999"),
    ("count edited", lambda f: _edit(f, count=19), "count is 19 but sets is 20"),
    ("config.ef_search negative", lambda f: _edit(f, "config", ef_search=-1), "ef_search is -1"),
]


@pytest.mark.parametrize(("name", "corrupt", "words"), CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_search_on_a_damaged_index_is_one_clear_error(
    name: str, corrupt: Callable[[Path], None], words: str, built: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "idx"
    shutil.copytree(built, folder)
    corrupt(folder)
    capsys.readouterr()
    assert main(["search", "piano", "--index", str(folder)]) == 2  # an escaped exception would fail the test
    err = capsys.readouterr().err
    assert err.startswith(f"error: index at {folder} is damaged (") and words in err
    assert f"--out {folder} --force`" in err and "Traceback" not in err


def test_damage_is_a_mismatch_error_for_callers_that_rebuild(built: Path, tmp_path: Path) -> None:
    folder = tmp_path / "idx"
    shutil.copytree(built, folder)
    _cut(folder / "index.faiss")
    with pytest.raises(IndexDamagedError, match="is damaged") as err:
        Searcher.load(folder)
    assert isinstance(err.value, IndexMismatchError)


def test_unknown_setting_keys_are_ignored_with_a_warning(built: Path, tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "idx"
    shutil.copytree(built, folder)
    _edit(folder, "search_config", old_knob=1)
    assert Searcher.load(folder).search("piano", k=1).songs
    assert "ignoring unknown search_config settings in the index manifest: old_knob" in caplog.text


def test_sparse_index_checks_vector_width_against_the_model(catalog20_path: Path, tiny_model_path: Path,
                                                            tmp_path: Path) -> None:
    from retrieval.catalog import load_catalog

    folder = tmp_path / "tfidf"
    catalog = load_catalog(str(catalog20_path))[0]
    Searcher.build(catalog, model=str(tiny_model_path), retriever="tfidf").save(folder)
    n = len(json.loads((folder / "descriptors.json").read_text()))
    _vectors(folder, (n, 8))
    with pytest.raises(IndexDamagedError, match=rf"has shape \({n}, 8\), expected \({n}, 384\)"):
        Searcher.load(folder)
    _edit(folder, index_type="flat")
    with pytest.raises(IndexDamagedError, match="expected 'none' for the tfidf retriever"):
        Searcher.load(folder)
