"""The refine stage: LLM-style request pairs + replay, continued from a base model, shipped with its card."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from training_fixtures import write_captions

from retrieval.errors import CratediggerError
from retrieval.evaluation.benchmark import is_dev_track
from training.data import DataConfig
from training.pipeline import PipelineConfig, load_config, run_pipeline
from training.refine import RefineConfig, refine_rows
from training.ship import ShipError, ship_refined
from training.student import StudentConfig

ROOT = Path(__file__).parents[2]


def test_refine_rows_mixes_replay_in_proportion_and_is_seeded() -> None:
    new = [{"q": f"n{i}"} for i in range(4)]
    old = [{"q": f"o{i}"} for i in range(100)]
    mix = refine_rows(new, old, 2.0, seed=3)
    assert len(mix) == 12 and sum(r["q"].startswith("n") for r in mix) == 4
    assert mix == refine_rows(new, old, 2.0, seed=3)
    assert len(refine_rows(new, old[:3], 2.0, seed=3)) == 7  # no more replay than there is


def _rows(path: Path, ids: list[str]) -> Path:
    rows = [{"key": f"mc_sentence:mc:{ytid}:0", "kind": "mc_sentence", "text": f"got any {g} tunes?"}
            for ytid, g in zip(ids[:10], ["rock", "jazz", "folk", "techno", "reggae"] * 2, strict=True)]
    rows += [{"key": f"mc_request:mc:{ids[0]}", "kind": "mc_request", "text": "something like this please"},
             {"key": f"mc_request:mc:{ids[-1]}", "kind": "mc_request", "text": "a dev track: never paired"}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


@pytest.mark.timeout(240)
def test_tiny_refine_run_then_ship(tmp_path: Path, tiny_model_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "musiccaps").mkdir(parents=True)
    ids = write_captions(data_dir / "musiccaps" / "musiccaps_train.csv", n_train=15, n_dev=5)
    rows = _rows(tmp_path / "rows.jsonl", ids)
    cfg = PipelineConfig(
        data_dir=str(data_dir), data=DataConfig(min_tracks=10, jamendo=None, msd_vocab=None),
        student=StudentConfig(base_model=str(tiny_model_path)),
        refine=RefineConfig(enabled=True, base_model=str(tiny_model_path), llm_rows=str(rows), replay=2.0,
                            batch_size=8, eval_queries=8, show_progress_bar=False),
    )
    run = tmp_path / "run"
    records = run_pipeline(cfg, run, ["data", "refine"])
    result = records["refine"]["result"]
    assert result["pairs"]["llm_request"] == 1  # the dev track's row is dropped
    assert result["pairs"]["llm_sentence"] >= 10 and result["replay"] == 2 * sum(result["pairs"].values())
    log = json.loads((run / "refine_log.json").read_text())
    assert [p["phase"] for p in log["dev_recall"]] == ["base", "refined"]
    assert (run / "refined" / "config_sentence_transformers.json").is_file()
    assert str(rows.resolve()) in records["refine"]["inputs"]

    config = tmp_path / "cfg.json"
    config.write_text(json.dumps({"refine": {"llm_rows": "rows.jsonl", "learning_rate": 1e-5}}))
    shipped = ship_refined(run, config, force=True, out_dir=tmp_path / "shipped")
    card = (shipped / "README.md").read_text()
    assert "## Refined" in card and "llm_sentence" in card and (shipped / "model.safetensors").is_file()
    assert "Refined from `" in card and "1 epoch with" in card

    log_student = json.loads((run / "refine_log.json").read_text()) | {"base_model": "student"}
    (run / "refine_log.json").write_text(json.dumps(log_student))
    (run / "student").mkdir()
    (run / "student" / "README.md").write_text("auto-generated sentence-transformers card")
    with pytest.raises(ShipError, match="run the evaluate stage"):
        ship_refined(run, config, out_dir=tmp_path / "shipped3")
    (run / "student" / "README.md").write_text("# cratedigger-minilm-gpl\n\nthe GPL card\n")
    card = (ship_refined(run, config, out_dir=tmp_path / "shipped3") / "README.md").read_text()
    assert card.startswith("# cratedigger-minilm-gpl") and "The GPL student above" in card

    log["dev_recall"] = [{"step": 0, "phase": "base", "recall@10": 0.9},
                         {"step": 9, "phase": "refined", "recall@10": 0.5}]
    (run / "refine_log.json").write_text(json.dumps(log))
    with pytest.raises(ShipError, match="lowered"):
        ship_refined(run, config, out_dir=tmp_path / "shipped2")

    no_rows = replace(cfg, refine=replace(cfg.refine, llm_rows=None))
    with pytest.raises(CratediggerError, match="refine.llm_rows is not set"):
        run_pipeline(no_rows, run, ["refine"], force=True)


def test_refine_config_refuses_unknown_kinds_and_negative_replay() -> None:
    with pytest.raises(ValueError, match="refine.llm_kinds"):
        RefineConfig(llm_kinds=("mc_sentnce",))
    with pytest.raises(ValueError, match="refine.replay"):
        RefineConfig(replay=-1.0)


def test_a_refine_without_a_student_says_what_to_run(tmp_path: Path) -> None:
    from training.refine import refine_model

    row = {"query": "q", "positive": "p", "kind": "sentence"}
    (tmp_path / "pairs.jsonl").write_text(json.dumps(row) + "\n")
    with pytest.raises(CratediggerError, match="run the student stage first"):
        refine_model(RefineConfig(), tmp_path, [{"query": "a", "positive": "b", "kind": "llm_sentence"}])
    with pytest.raises(CratediggerError, match="run the data stage first"):
        refine_model(RefineConfig(), tmp_path / "empty", [{"query": "a", "positive": "b", "kind": "llm_x"}])


@pytest.mark.parametrize("name", ["v10-refine.json", "v11-refine.json"])
def test_the_refine_config_is_the_shipped_recipe_plus_refine(name: str) -> None:
    shipped, refined = load_config(ROOT / "training/configs/shipped.json"), load_config(
        ROOT / "training/configs" / name)
    assert refined.refine.enabled and not shipped.refine.enabled
    for stage in ("data", "teacher", "negatives", "pseudo_labels", "student"):
        assert getattr(refined, stage) == getattr(shipped, stage)


def test_v11_differs_from_v10_only_by_the_jamendo_heard_rows() -> None:
    v10, v11 = (load_config(ROOT / "training/configs" / f"{n}-refine.json").refine for n in ("v10", "v11"))
    assert v11.llm_kinds == (*(v10.llm_kinds or ()), "jamendo_heard")
    assert replace(v11, llm_kinds=v10.llm_kinds) == v10


def test_agent_rows_hold_train_tracks_only() -> None:
    rows = [json.loads(line) for line in
            (ROOT / "training/generated/agent_rows.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 10400 and all(r["text"].strip() for r in rows)
    mc = [r["key"].split(":")[2] for r in rows if r["kind"] in ("mc_sentence", "mc_request")]
    assert mc and not [ytid for ytid in mc if is_dev_track(ytid)]
    assert {r["kind"] for r in rows} == {"mc_sentence", "mc_request", "jamendo_description", "jamendo_heard"}


@pytest.mark.realdata
def test_agent_jamendo_rows_are_train_tracks(shared_data: Path) -> None:
    import csv

    with (shared_data / "jamendo" / "tracks.tsv").open(encoding="utf-8", newline="") as handle:
        split = {row["track_id"]: row["split"] for row in csv.DictReader(handle, delimiter="\t")}
    rows = [json.loads(line) for line in
            (ROOT / "training/generated/agent_rows.jsonl").read_text(encoding="utf-8").splitlines()]
    ids = [r["key"].rsplit(":", 1)[-1] for r in rows if r["kind"] in ("jamendo_description", "jamendo_heard")]
    assert len(ids) == 5200 and len(set(ids)) == 5200 and {split.get(i) for i in ids} == {"train"}
