"""The index store: cached per catalog and model, healed once when damaged, no leftovers from killed saves."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.errors import UnsafeOutputError
from retrieval.search.searcher import Searcher
from retrieval.search.store import IndexStore, cache_dir_for, load_or_build


@pytest.fixture()
def songs(tmp_path: Path, catalog20_path: Path) -> Path:
    path = tmp_path / "songs.jsonl"
    shutil.copy(catalog20_path, path)
    return path


def _cache(songs: Path, model: Path) -> Path:
    catalog = load_catalog(str(songs))[0]
    return cache_dir_for(catalog.name, str(model), catalog.content_hash())


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def test_a_truncated_cached_index_is_rebuilt_once_and_said_so(
    state_home: Path, songs: Path, tiny_model_path: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load_or_build(str(songs), model=str(tiny_model_path))
    folder = _cache(songs, tiny_model_path)
    _truncate(folder / "index.faiss")
    with caplog.at_level(logging.INFO, logger="retrieval.search.store"):
        healed = load_or_build(str(songs), model=str(tiny_model_path))
    assert healed.search("tropical steel drums", k=1).songs[0].song.id == "s01"
    assert "cached index is damaged (index at" in caplog.text and "rebuilding it once" in caplog.text
    assert "rebuilt the damaged songs index (20 songs)" in caplog.text

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rebuilt cache should load")

    monkeypatch.setattr(Searcher, "build", no_build)
    assert len(load_or_build(str(songs), model=str(tiny_model_path)).catalog) == 20
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name]  # no staging folder left


def test_a_second_failure_is_raised(state_home: Path, songs: Path, tiny_model_path: Path) -> None:
    load_or_build(str(songs), model=str(tiny_model_path))
    folder = _cache(songs, tiny_model_path)
    _truncate(folder / "index.faiss")
    (folder / "notes.txt").write_text("someone's file")  # the rebuild may not replace the folder now
    with pytest.raises(UnsafeOutputError, match="not a cratedigger index"):
        load_or_build(str(songs), model=str(tiny_model_path))
    assert (folder / "notes.txt").read_text() == "someone's file"


def test_a_staging_folder_left_by_a_killed_first_save_is_removed(state_home: Path, songs: Path,
                                                                  tiny_model_path: Path) -> None:
    folder = _cache(songs, tiny_model_path)
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)  # a process id that no longer runs
    stale = folder.parent / f".{folder.name}.tmp-{int(child.stdout)}-k1ll3d"
    stale.mkdir(parents=True)
    (stale / "index.faiss").write_bytes(b"half-written")
    load_or_build(str(songs), model=str(tiny_model_path))
    assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name]


def test_a_store_with_its_own_root_caches_there(tmp_path: Path, songs: Path, tiny_model_path: Path,
                                                state_home: Path) -> None:
    store = IndexStore(tmp_path / "indexes")
    first = store.load_or_build(str(songs), model=str(tiny_model_path))
    folder = store.folder_for(first.catalog, str(tiny_model_path))
    assert folder.parent == tmp_path / "indexes" and (folder / "manifest.json").is_file()
    assert folder.name == _cache(songs, tiny_model_path).name and not (state_home / "indexes").exists()
    again = store.load_or_build(str(songs), model=str(tiny_model_path))
    assert again.manifest["catalog_hash"] == first.manifest["catalog_hash"]
    assert again.search("piano", k=1).songs
