"""The run manifest: a stage is skipped only when its config, inputs and outputs are unchanged."""

from __future__ import annotations

import contextlib
from pathlib import Path

from training.files import config_hash, write_jsonl
from training.manifest import Manifest


def _finish(run: Path, cfg: dict) -> Manifest:
    write_jsonl(run / "out.jsonl", [{"x": 1}])
    manifest = Manifest.load(run)
    manifest.record("stage", config_hash(cfg), ["in.txt"], ["out.jsonl"], 1.0, {"rows": 1})
    return manifest


def test_fresh_after_record_and_survives_reload(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("a")
    _finish(tmp_path, {"k": 1})
    reloaded = Manifest.load(tmp_path)
    assert reloaded.is_fresh("stage", config_hash({"k": 1}), ["in.txt"], ["out.jsonl"])
    assert reloaded.stages["stage"]["result"] == {"rows": 1}


def test_config_change_reruns(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("a")
    manifest = _finish(tmp_path, {"k": 1})
    assert not manifest.is_fresh("stage", config_hash({"k": 2}), ["in.txt"], ["out.jsonl"])


def test_input_change_reruns(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("a")
    manifest = _finish(tmp_path, {"k": 1})
    (tmp_path / "in.txt").write_text("b")
    assert not manifest.is_fresh("stage", config_hash({"k": 1}), ["in.txt"], ["out.jsonl"])


def test_missing_or_edited_output_reruns(tmp_path: Path) -> None:
    (tmp_path / "in.txt").write_text("a")
    manifest = _finish(tmp_path, {"k": 1})
    write_jsonl(tmp_path / "out.jsonl", [{"x": 2}])
    assert not manifest.is_fresh("stage", config_hash({"k": 1}), ["in.txt"], ["out.jsonl"])
    (tmp_path / "out.jsonl").unlink()
    assert not manifest.is_fresh("stage", config_hash({"k": 1}), ["in.txt"], ["out.jsonl"])


def test_unfinished_stage_is_not_fresh_and_leaves_no_partial_file(tmp_path: Path) -> None:
    def rows():
        yield {"x": 1}
        raise KeyboardInterrupt  # interrupted mid-write

    with contextlib.suppress(KeyboardInterrupt):
        write_jsonl(tmp_path / "out.jsonl", rows())
    assert not (tmp_path / "out.jsonl").exists()
    assert not Manifest.load(tmp_path).is_fresh("stage", config_hash({}), [], ["out.jsonl"])
