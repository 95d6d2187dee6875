"""A tiny end-to-end GPL run (20 captions, a 2-layer student and teacher), then resume and rerun logic."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from training_fixtures import write_captions

from training.data import DataConfig
from training.evaluate import EvaluateConfig
from training.negatives import NegativesConfig
from training.pipeline import (
    STAGES,
    PipelineConfig,
    TrainingConfigError,
    data_inputs,
    load_config,
    run_pipeline,
)
from training.ship import ShipError, checkpoint_note, choose_checkpoint, ship_model
from training.student import StudentConfig
from training.teacher import TeacherConfig

CONFIGS = Path(__file__).parents[2] / "training" / "configs"


def _tiny_config(data_dir: Path, model: Path) -> PipelineConfig:
    vocab = data_dir / "vocab" / "msd_ecals_tags.json"
    vocab.parent.mkdir()
    vocab.write_text(json.dumps(["rock", "jazz", "piano", "chillwave"]))
    tsv = data_dir / "jamendo" / "tracks.tsv"
    tsv.parent.mkdir()
    tsv.write_text("track_id\tsplit\ttags\ntrack_1\ttrain\tgenre---rock,mood/theme---happy\n"
                   "track_2\ttest\tgenre---jazz,instrument---piano\n")
    return PipelineConfig(
        data_dir=str(data_dir),
        data=DataConfig(min_tracks=10, jamendo_queries=5, msd_queries=5),
        teacher=TeacherConfig(base_model=str(model), queries=24, batch_size=16, show_progress_bar=False),
        negatives=NegativesConfig(queries=24, dense_model=str(model), depth=8, show_progress_bar=False),
        student=StudentConfig(base_model=str(model), max_rows=24, batch_size=8, eval_steps=1, eval_queries=8,
                              show_progress_bar=False),
        evaluate=EvaluateConfig(variants=("sentence-seed0", "request-seed0"),
                                baselines=("tfidf", "bm25", "dense:minilm"), baseline_model=str(model),
                                rerank_queries=4, rerank_depth=10),
    )


@pytest.mark.timeout(240)
def test_tiny_run_end_to_end_then_resume(tmp_path: Path, tiny_model_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "musiccaps").mkdir(parents=True)
    write_captions(data_dir / "musiccaps" / "musiccaps_train.csv", n_train=15, n_dev=5)
    cfg = _tiny_config(data_dir, tiny_model_path)
    run = tmp_path / "run"
    records = run_pipeline(cfg, run)
    assert list(records) == [s for s in STAGES if s != "refine"]  # refine runs only when enabled
    assert records["data"]["result"]["jamendo"] == 1  # only the train-split Jamendo track
    metrics = json.loads((run / "metrics.json").read_text())
    assert set(metrics["summary"]) >= {"tfidf", "bm25", "dense:minilm", "dense:student", "hybrid:student",
                                       "dense:warmup"}
    assert 0.0 <= metrics["rerank"]["teacher_rerank_bm25"] <= 1.0
    assert (run / "gpl-loss-curve.png").stat().st_size > 1000
    log = json.loads((run / "student_log.json").read_text())
    assert [p for p, _ in log["phases"]] == ["mnrl", "marginmse"] and len(log["dev_recall"]) >= 3
    labels = [json.loads(line) for line in (run / "labels.jsonl").read_text().splitlines()]
    assert labels and all(-1.0 <= r["label"] <= 1.0 for r in labels)
    assert {r["kind"] for r in labels} <= {"sentence", "request", "jamendo", "msd"}

    shipped = ship_model(run, CONFIGS / "tiny.json", force=True, out_dir=tmp_path / "shipped",
                         checkpoint="warmup")
    card = (shipped / "README.md").read_text()
    assert "`student_warmup`" in card and (shipped / "model.safetensors").is_file()

    before = json.loads((run / "manifest.json").read_text())
    run_pipeline(cfg, run)  # nothing changed: every stage skipped, records untouched
    assert json.loads((run / "manifest.json").read_text()) == before

    cfg2 = replace(cfg, student=replace(cfg.student, learning_rate=1e-4))
    after = run_pipeline(cfg2, run)  # only the student and what depends on it rerun
    for stage in ("data", "teacher", "negatives", "pseudo_labels"):
        assert after[stage] == before[stage]
    assert after["student"]["config_hash"] != before["student"]["config_hash"]
    assert after["evaluate"]["inputs"] != before["evaluate"]["inputs"]


def test_config_file_errors(tmp_path: Path) -> None:
    with pytest.raises(TrainingConfigError, match="not found"):
        load_config(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"student": {"los": "mnrl"}}))
    with pytest.raises(TrainingConfigError, match=r"unknown key\(s\) \['los'\]"):
        load_config(bad)


def test_shipped_config_loads() -> None:
    cfg = load_config(CONFIGS / "shipped.json")
    assert cfg.student.score_fn == "cosine" and cfg.negatives.retrievers == ("dense", "bm25")


@pytest.mark.parametrize("path", sorted(CONFIGS.glob("*.json")), ids=lambda p: p.stem)
def test_every_committed_config_loads(path: Path) -> None:
    """A config the docs name must still parse: unknown or misspelt keys fail loudly here, not in a run."""
    cfg = load_config(path)
    assert cfg.student.loss and cfg.teacher.queries > 0


def test_the_no_margins_ablation_differs_from_its_base_only_in_the_margin_weight() -> None:
    base = load_config(CONFIGS / "v7-teacher-from-shipped.json")
    ablation = load_config(CONFIGS / "v7-no-margins.json")
    assert ablation.student.margin_weight == 0.0 and base.student.margin_weight == 5.0
    assert replace(ablation, student=base.student) == base


def test_choose_checkpoint_ships_the_better_dense_model() -> None:
    summary = {"dense:student": {"sentence": 0.80, "request": 0.90}, "dense:warmup": {"sentence": 0.84,
                                                                                    "request": 0.88}}
    assert choose_checkpoint(summary) == "warmup"  # mean 0.86 beats 0.85
    assert choose_checkpoint(summary, "student") == "student"
    assert choose_checkpoint({"dense:student": {"sentence": 0.1}}) == "student"  # no warm-up in the run
    note = checkpoint_note(summary, "warmup")
    assert "`student_warmup` — dense dev R@10 sentence 0.840 / request 0.880" in note
    with pytest.raises(ShipError, match="expected auto, student, warmup"):
        choose_checkpoint(summary, "best")


def test_the_data_stage_hashes_every_file_it_reads(tmp_path: Path, tiny_model_path: Path) -> None:
    """A changed Jamendo TSV, MSD vocabulary or generated-rows file reruns the data stage (issue 13)."""
    data_dir = tmp_path / "data"
    (data_dir / "musiccaps").mkdir(parents=True)
    write_captions(data_dir / "musiccaps" / "musiccaps_train.csv", n_train=15, n_dev=5)
    rows = tmp_path / "llm_rows.jsonl"
    rows.write_text("")
    cfg = _tiny_config(data_dir, tiny_model_path)
    cfg = replace(cfg, data=replace(cfg.data, llm_rows=str(rows)))
    names = {Path(p).name for p in data_inputs(cfg)}
    assert names == {"musiccaps_train.csv", "tracks.tsv", "msd_ecals_tags.json", "llm_rows.jsonl"}
    run = tmp_path / "run"
    first = run_pipeline(cfg, run, stages=["data"])["data"]
    assert run_pipeline(cfg, run, stages=["data"])["data"] == first  # unchanged: skipped
    (data_dir / "jamendo" / "tracks.tsv").write_text(
        "track_id\tsplit\ttags\ntrack_9\ttrain\tgenre---pop,mood/theme---sad\n"
    )
    again = run_pipeline(cfg, run, stages=["data"])["data"]
    assert again["inputs"] != first["inputs"] and again["result"]["jamendo"] == 1
