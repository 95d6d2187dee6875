"""Stage 5, student: the bi-encoder trained on the pseudo-labelled triplets (GPL's MarginMSE).

Losses (``loss``): ``marginmse`` (MarginMSELoss on δ from ``labels.jsonl``), ``mnrl`` (the contrastive
ablation: MultipleNegativesRankingLoss on the same (query, positive, negative) rows) or
``mnrl+marginmse`` (a contrastive warm-up, then MarginMSE: on the first ``warmup_fraction`` of rows
and the rest, or on all rows twice when ``warmup_fraction`` is 1.0; the MarginMSE phase has its own
``marginmse_learning_rate`` so it can refine rather than overwrite the warm-up), or ``joint``
(MNRL plus ``margin_weight`` × MarginMSE on the same batch, ``training.joint_loss``). The score function
(``score_fn``: ``cosine`` | ``dot``) is explicit: it is the similarity inside both losses and the one
written into the saved model, so training and search agree
(unlike gpl 0.1.4, which trains dot product even when asked for cosine). Every ``eval_steps`` the
dev Recall@10 of a fixed query sample is logged. Writes ``student/`` and ``student_log.json``.
Out of scope: the full evaluation (``training.evaluate``).
"""

from __future__ import annotations

import logging
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.errors import CratediggerError
from training.device import on_cpu, train_device
from training.files import read_jsonl, replace_dir, write_json

logger = logging.getLogger(__name__)

LOSSES = ("marginmse", "mnrl", "mnrl+marginmse", "joint")


@dataclass
class StudentConfig:
    """How to train the student.

    Example:
        >>> StudentConfig(loss="mnrl").score_fn
        'cosine'
    """

    base_model: str = "minilm"
    loss: str = "mnrl+marginmse"
    score_fn: str = "cosine"
    max_rows: int | None = None
    warmup_fraction: float = 0.5
    mnrl_scale: float = 20.0
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 2e-5
    marginmse_learning_rate: float | None = None  # None: learning_rate
    marginmse_epochs: int = 1
    marginmse_max_rows: int | None = None  # cap on the MarginMSE phase's rows (None: all of its rows)
    margin_weight: float = 5.0  # the MarginMSE term's weight in the ``joint`` loss
    repeat_kinds: dict[str, int] = field(default_factory=dict)  # e.g. {"request": 2}: rows of that kind twice
    warmup_ratio: float = 0.1
    max_seq_length: int = 64
    eval_steps: int = 25
    eval_queries: int = 300
    seed: int = 13
    show_progress_bar: bool = True


def pairwise_similarity(score_fn: str) -> Any:
    """The pairwise similarity MarginMSE uses for ``score_fn`` (cosine or dot)."""
    from sentence_transformers import util

    if score_fn == "cosine":
        return util.pairwise_cos_sim
    if score_fn == "dot":
        return util.pairwise_dot_score
    raise ValueError(f"unknown score_fn {score_fn!r}: expected 'cosine' or 'dot'")


def build_loss(name: str, model: Any, cfg: StudentConfig) -> Any:
    """The loss for phase ``name`` (``marginmse``, ``mnrl`` or ``joint``) with the configured score_fn."""
    from sentence_transformers import util
    from sentence_transformers.sentence_transformer import losses

    if name == "marginmse":
        return losses.MarginMSELoss(model, similarity_fct=pairwise_similarity(cfg.score_fn))
    if name == "mnrl":
        if cfg.score_fn == "cosine":
            return losses.MultipleNegativesRankingLoss(model, scale=cfg.mnrl_scale,
                                                       similarity_fct=util.cos_sim)
        return losses.MultipleNegativesRankingLoss(model, scale=1.0, similarity_fct=util.dot_score)
    if name == "joint":
        from training.joint_loss import JointMarginLoss

        return JointMarginLoss(model, cfg.score_fn, scale=cfg.mnrl_scale, weight=cfg.margin_weight)
    raise ValueError(f"unknown loss {name!r}: expected one of {', '.join(LOSSES)}")


def phases(rows: list[dict], cfg: StudentConfig) -> list[tuple[str, list[dict]]]:
    """Split the rows into (loss name, rows) phases for ``cfg.loss``."""
    if cfg.loss not in LOSSES:
        raise ValueError(f"unknown loss {cfg.loss!r}: expected one of {', '.join(LOSSES)}")
    if cfg.loss != "mnrl+marginmse":
        return [(cfg.loss, rows)]
    if cfg.warmup_fraction >= 1.0:
        return [("mnrl", rows), ("marginmse", rows[: cfg.marginmse_max_rows])]
    cut = int(len(rows) * cfg.warmup_fraction)
    return [("mnrl", rows[:cut]), ("marginmse", rows[cut:][: cfg.marginmse_max_rows])]


def _dataset(name: str, rows: list[dict]) -> Any:
    from datasets import Dataset

    if name == "mnrl":
        seen: set[str] = set()
        uniq = [r for r in rows if not (r["query"] in seen or seen.add(r["query"]))]  # type: ignore[func-returns-value]
        return Dataset.from_dict({"anchor": [r["query"] for r in uniq],
                                  "positive": [r["positive"] for r in uniq],
                                  "negative": [r["negative"] for r in uniq]})
    return Dataset.from_dict({"query": [r["query"] for r in rows], "positive": [r["positive"] for r in rows],
                              "negative": [r["negative"] for r in rows], "label": [r["label"] for r in rows]})


def repeat_rows(rows: list[dict], repeat_kinds: dict[str, int]) -> list[dict]:
    """Rows with those of each kind in ``repeat_kinds`` repeated that many times in all.

    Example:
        >>> repeat_rows([{"kind": "request"}, {"kind": "sentence"}], {"request": 2})
        [{'kind': 'request'}, {'kind': 'sentence'}, {'kind': 'request'}]
    """
    extra = [r for r in rows for _ in range(repeat_kinds.get(r.get("kind", ""), 1) - 1)]
    return rows + extra


def load_student(cfg: StudentConfig) -> Any:
    from sentence_transformers import SentenceTransformer

    from retrieval.models import resolve

    model = SentenceTransformer(resolve(cfg.base_model), device=train_device())
    model.max_seq_length = cfg.max_seq_length
    model.similarity_fn_name = "cosine" if cfg.score_fn == "cosine" else "dot"
    return model


def train_student(cfg: StudentConfig, run_dir: Path, dev_dir: Path | None = None) -> dict[str, Any]:
    """Train on ``run_dir/labels.jsonl``; save ``run_dir/student`` and ``student_log.json``."""
    from training.monitor import DevRecallCallback

    rows = repeat_rows(read_jsonl(run_dir / "labels.jsonl"), cfg.repeat_kinds)
    random.Random(cfg.seed).shuffle(rows)
    rows = rows[: cfg.max_rows] if cfg.max_rows else rows
    if not rows:
        raise CratediggerError(f"student: {run_dir / 'labels.jsonl'} holds 0 triplets (expected at least "
                               "one); rerun the negatives and pseudo_labels stages with --force")
    from transformers import set_seed

    set_seed(cfg.seed)  # a run does not depend on what the process drew from torch's generator before
    model = load_student(cfg)
    monitor = DevRecallCallback(model, dev_dir, cfg.eval_queries, cfg.score_fn, cfg.seed) if dev_dir else None
    history: list[dict] = []
    offset = 0
    if monitor:
        monitor.record(0, "start")
    for i, (name, part) in enumerate(phases(rows, cfg)):
        offset = _run_phase(model, name, part, cfg, run_dir, history, monitor, offset)
        if i == 0 and cfg.loss == "mnrl+marginmse":  # the contrastive-only checkpoint, for the ablation
            model.save(str(run_dir / "student_warmup.tmp"))
            replace_dir(run_dir / "student_warmup.tmp", run_dir / "student_warmup")
    tmp = run_dir / "student.tmp"
    model.save(str(tmp))
    replace_dir(tmp, run_dir / "student")
    log = {"rows": len(rows), "phases": [[n, len(p)] for n, p in phases(rows, cfg)], "steps": offset,
           "history": history, "dev_recall": monitor.points if monitor else []}
    write_json(run_dir / "student_log.json", log)
    return {"rows": len(rows), "steps": offset}


def _run_phase(model: Any, name: str, rows: list[dict], cfg: StudentConfig, run_dir: Path,
               history: list[dict], monitor: Any, offset: int) -> int:
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments
    from sentence_transformers.training_args import BatchSamplers

    if not rows:
        return offset
    work = run_dir / "student.work"
    gpl = name == "marginmse"
    lr = cfg.marginmse_learning_rate if gpl and cfg.marginmse_learning_rate else cfg.learning_rate
    args = SentenceTransformerTrainingArguments(
        output_dir=str(work), num_train_epochs=cfg.marginmse_epochs if gpl else cfg.epochs,
        per_device_train_batch_size=cfg.batch_size, learning_rate=lr, warmup_ratio=cfg.warmup_ratio,
        seed=cfg.seed, logging_steps=5,
        save_strategy="no", report_to="none", use_cpu=on_cpu(), disable_tqdm=not cfg.show_progress_bar,
        batch_sampler=BatchSamplers.BATCH_SAMPLER if gpl else BatchSamplers.NO_DUPLICATES,
    )
    callbacks = [monitor.callback(offset, name, cfg.eval_steps)] if monitor else []
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=_dataset(name, rows),
                                         loss=build_loss(name, model, cfg), callbacks=callbacks)
    trainer.train()
    for h in trainer.state.log_history:
        if "loss" in h:
            history.append({"step": offset + int(h["step"]), "loss": float(h["loss"]), "phase": name})
    shutil.rmtree(work, ignore_errors=True)
    steps = offset + int(trainer.state.global_step)
    if monitor:
        monitor.record(steps, name)
    return steps
