"""Writing an index folder replaces nothing but an index, and cleans up after a killed save."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.errors import UnsafeOutputError
from retrieval.index.folder import atomic_dir, check_target, is_index_folder, remove_leftovers

KILLED_SAVE = """
import os, sys
from pathlib import Path
from retrieval.index.folder import atomic_dir
with atomic_dir(Path(sys.argv[1])) as staging:
    (staging / "index.faiss").write_bytes(b"half-written")
    os._exit(9)  # killed in the middle of the save: no cleanup runs
"""


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _index(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{}")
    (folder / "index.faiss").write_bytes(b"x")
    return folder


def test_refusals_touch_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "songs.jsonl").write_text("{}\n")
    _index(tmp_path / "idx")
    (tmp_path / "link").symlink_to(tmp_path / "idx")
    before = _files(tmp_path)
    cases = [
        (tmp_path / "notes.txt", {}, "is a file, not an index folder"),
        (tmp_path / "data", {}, "holds the catalog being indexed"),
        (tmp_path / "data", {"protect": [tmp_path / "x.csv"]}, "not a cratedigger index .it holds songs"),
        (tmp_path, {"protect": [tmp_path / "data" / "songs.jsonl"]}, "holds the catalog being indexed"),
        (tmp_path / "idx", {"replace_index": False}, "already holds a cratedigger index"),
        (tmp_path / "idx", {"protect": [tmp_path / "idx" / "manifest.json"]}, "holds the catalog"),
        (tmp_path / "link", {}, "is a symbolic link"),
    ]
    for target, options, words in cases:
        protect = options.get("protect", [tmp_path / "data" / "songs.jsonl"])
        replace = bool(options.get("replace_index", True))
        with pytest.raises(UnsafeOutputError, match=words) as err, atomic_dir(target, replace, protect):
            raise AssertionError("atomic_dir must refuse before yielding")
        assert "Nothing was changed" in str(err.value)
    assert _files(tmp_path) == before and (tmp_path / "link").is_symlink()


def test_new_empty_and_index_targets_are_written(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _index(tmp_path / "idx")
    for target in (tmp_path / "new" / "idx", tmp_path / "empty", tmp_path / "idx"):
        check_target(target, replace_index=True)
        with atomic_dir(target) as staging:
            (staging / "manifest.json").write_text('{"new": true}')
        assert _files(target) == {"manifest.json": b'{"new": true}'} and is_index_folder(target)
    with pytest.raises(UnsafeOutputError, match="Pass --force"):
        check_target(tmp_path / "idx", replace_index=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "idx", "new"]  # no staging left


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                           text=True, check=True)
    return int(child.stdout)


def test_a_killed_save_leaves_a_staging_folder_that_the_next_save_removes(tmp_path: Path) -> None:
    target = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    subprocess.run([sys.executable, "-c", KILLED_SAVE, str(target)], env=env, check=False)
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".idx.tmp-") and not target.exists()
    pid = _dead_pid()
    (tmp_path / f".idx.old-{pid}-123").mkdir()  # a replaced index whose process died before removing it
    (tmp_path / f".idx.old-{pid}-123" / "catalog.jsonl").write_text("{}\n")
    foreign = tmp_path / f".idx.tmp-{pid}-abc"  # the right name, but not our files: left alone
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    live = tmp_path / f".idx.tmp-{os.getpid()}-live"  # a save in progress in a live process: left alone
    live.mkdir()
    aged = tmp_path / f".idx.tmp-{os.getpid()}-aged"  # a live pid, but two days old: the pid was reused
    aged.mkdir()
    os.utime(aged, (os.path.getmtime(aged) - 2 * 86400,) * 2)
    with atomic_dir(target) as staging:
        (staging / "manifest.json").write_text("{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([foreign.name, live.name, "idx"])
    assert remove_leftovers(target) == []
