"""Runs the training stages in one run directory, skipping those whose manifest record is fresh.

``PipelineConfig`` bundles one dataclass config per stage and is read from JSON
(``training/configs/*.json``). Stage order: data, teacher, negatives, pseudo_labels, student,
refine (only when ``refine.enabled``), evaluate. A stage reruns when its config, its input files or
its outputs changed; a run interrupted mid-stage resumes at that stage (outputs are written to
temporary names and renamed when complete).
Out of scope: what each stage does (one module each).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from retrieval.errors import CratediggerError
from training.data import DataConfig
from training.evaluate import EvaluateConfig
from training.files import config_hash
from training.manifest import Manifest
from training.negatives import NegativesConfig
from training.pseudo_labels import PseudoLabelConfig
from training.refine import RefineConfig
from training.student import StudentConfig
from training.teacher import TeacherConfig

logger = logging.getLogger(__name__)

STAGES = ("data", "teacher", "negatives", "pseudo_labels", "student", "refine", "evaluate")


class TrainingConfigError(CratediggerError):
    """A training config file is missing or malformed."""


@dataclass
class PipelineConfig:
    """All stage configs plus the data folder (``None``: ``retrieval.paths.data_dir()``).

    Example:
        >>> PipelineConfig().student.loss
        'mnrl+marginmse'
    """

    data_dir: str | None = None
    data: DataConfig = field(default_factory=DataConfig)
    teacher: TeacherConfig = field(default_factory=TeacherConfig)
    negatives: NegativesConfig = field(default_factory=NegativesConfig)
    pseudo_labels: PseudoLabelConfig = field(default_factory=PseudoLabelConfig)
    student: StudentConfig = field(default_factory=StudentConfig)
    refine: RefineConfig = field(default_factory=RefineConfig)
    evaluate: EvaluateConfig = field(default_factory=EvaluateConfig)

    def resolved_data_dir(self) -> Path:
        from retrieval.paths import data_dir

        return Path(self.data_dir).expanduser().resolve() if self.data_dir else data_dir()

    def data_file(self, name: str | None) -> Path | None:
        """``name`` (a ``data`` config path) resolved against the data folder; None for None."""
        return self.resolved_data_dir() / name if name else None  # an absolute name replaces the folder

    def musiccaps_csv(self) -> Path:
        return self.resolved_data_dir() / self.data.musiccaps  # an absolute name replaces the folder


def _build(cls: Any, values: dict[str, Any], where: str) -> Any:
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise TrainingConfigError(f"{where}: unknown key(s) {unknown}; expected some of {sorted(known)}")
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return cls(**values)


def load_config(path: str | Path) -> PipelineConfig:
    """Read a pipeline config JSON file (missing keys take the dataclass defaults)."""
    path = Path(path)
    if not path.is_file():
        raise TrainingConfigError(f"training config {path} not found; see training/configs/ for examples")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TrainingConfigError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    stage_types = {f.name: f.default_factory for f in fields(PipelineConfig) if f.name != "data_dir"}
    kwargs: dict[str, Any] = {"data_dir": raw.pop("data_dir", None)}
    for key, value in raw.items():
        if key.startswith("_"):
            continue
        if key not in stage_types:
            raise TrainingConfigError(f"{path}: unknown section {key!r}; expected {sorted(stage_types)}")
        kwargs[key] = _build(stage_types[key], value, f"{path} [{key}]")  # type: ignore[arg-type]
    return PipelineConfig(**kwargs)


def data_inputs(cfg: PipelineConfig) -> list[str]:
    """Every file the data stage reads (MusicCaps, MTG-Jamendo, MSD vocabulary, generated rows), so a
    changed one reruns it; files that are not there are left out (the stage says what it skipped)."""
    from training.data import lexicon_files
    from training.llm_pairs import llm_rows_path

    files = [cfg.musiccaps_csv()]
    files += [f for f in (cfg.data_file(cfg.data.jamendo), cfg.data_file(cfg.data.msd_vocab)) if f]
    if cfg.data.llm_rows:
        files.append(llm_rows_path(cfg.data.llm_rows))
    files += lexicon_files(cfg.data)
    return [str(f.resolve()) for f in files if f.is_file()]


def refine_inputs(cfg: PipelineConfig) -> list[str]:
    """What the refine stage reads: the data stage's pairs, its base model (the run's student or a
    model folder), its rows file and the MusicCaps / MTG-Jamendo files its pairs are read against."""
    from training.llm_pairs import llm_rows_path

    base = cfg.refine.base_model
    inputs = ["pairs.jsonl"] + (["student"] if base == "student" else [])
    paths = [cfg.musiccaps_csv()] + [f for f in (cfg.data_file(cfg.data.jamendo),) if f]
    if cfg.refine.llm_rows:
        paths.append(llm_rows_path(cfg.refine.llm_rows))
    found = [p for p in paths if p.is_file()]
    if base != "student" and Path(base).is_dir():  # a model folder given by path
        found.append(Path(base))
    return inputs + [str(p.resolve()) for p in found]


def _stage_plan(cfg: PipelineConfig, run_dir: Path) -> dict[str, tuple[Any, list[str], list[str], Callable]]:
    from training import data, evaluate, negatives, pseudo_labels, refine, student, teacher
    from training.devsets import build_dev_sets

    data_dir = cfg.resolved_data_dir()

    def run_student() -> Any:
        dev = build_dev_sets(cfg.musiccaps_csv(), run_dir / "dev", ("sentence-seed0",))
        return student.train_student(cfg.student, run_dir, dev["sentence-seed0"])

    def run_refine() -> Any:
        dev = build_dev_sets(cfg.musiccaps_csv(), run_dir / "dev", ("sentence-seed0",))
        jamendo = cfg.data_file(cfg.data.jamendo)
        pairs = refine.refine_pairs(cfg.refine, run_dir, cfg.musiccaps_csv(), jamendo)
        return refine.refine_model(cfg.refine, run_dir, pairs, dev["sentence-seed0"])

    return {
        "data": (cfg.data, data_inputs(cfg), ["pairs.jsonl", "corpus.jsonl"],
                 lambda: data.build_data(cfg.data, run_dir, data_dir)),
        "teacher": (cfg.teacher, ["pairs.jsonl"], ["teacher"],
                    lambda: teacher.train_teacher(cfg.teacher, run_dir)),
        "negatives": (cfg.negatives, ["pairs.jsonl", "teacher"], ["negatives.jsonl"],
                      lambda: negatives.mine_negatives(cfg.negatives, run_dir)),
        "pseudo_labels": (cfg.pseudo_labels, ["negatives.jsonl", "corpus.jsonl"], ["labels.jsonl"],
                          lambda: pseudo_labels.pseudo_label(cfg.pseudo_labels, run_dir)),
        "student": (cfg.student, ["labels.jsonl"], ["student", "student_log.json"], run_student),
        "refine": (cfg.refine, refine_inputs(cfg), ["refined", "refine_log.json"], run_refine),
        "evaluate": (cfg.evaluate, ["student", "teacher", "student_log.json"], ["metrics.json"],
                     lambda: evaluate.evaluate_run(cfg.evaluate, run_dir, cfg.musiccaps_csv(), cfg.student)),
    }


def run_pipeline(cfg: PipelineConfig, run_dir: Path, stages: Sequence[str] | None = None,
                 force: bool = False) -> dict[str, dict[str, Any]]:
    """Run ``stages`` (default: all, in order) in ``run_dir``; returns the manifest records.

    Example:
        >>> run_pipeline(load_config("training/configs/tiny.json"), Path("runs/tiny"))  # doctest: +SKIP
    """
    stages = list(stages or [s for s in STAGES if s != "refine" or cfg.refine.enabled])
    bad = [s for s in stages if s not in STAGES]
    if bad:
        raise TrainingConfigError(f"unknown stage(s) {bad}; expected some of {list(STAGES)}")
    run_dir.mkdir(parents=True, exist_ok=True)
    plan = _stage_plan(cfg, run_dir)
    manifest = Manifest.load(run_dir)
    for name in STAGES:
        if name not in stages:
            continue
        stage_cfg, inputs, outputs, func = plan[name]
        extra = {"data_dir": str(cfg.resolved_data_dir())} if name == "data" else {}
        digest = config_hash(asdict(stage_cfg) | extra)
        if not force and manifest.is_fresh(name, digest, inputs, outputs):
            logger.info("stage %s: up to date, skipped", name)
            continue
        logger.info("stage %s: running", name)
        started = time.perf_counter()
        result = func()
        manifest.record(name, digest, inputs, outputs, time.perf_counter() - started, result)
        logger.info("stage %s: done in %.0f s", name, time.perf_counter() - started)
    return manifest.stages
