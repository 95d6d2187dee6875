"""Stage 6 (optional), refine: a short contrastive pass on requests written the way people and LLMs ask.

The GPL student learns from template requests and caption sentences; a request an LLM rephrases
("Find me a lo-fi clip with a boomy wooden hit…") loses it points (issue 13). This stage continues
training a finished bi-encoder (``base_model``: the run's ``student``, or a model name or folder) with
MultipleNegativesRankingLoss on the pairs of ``llm_rows`` (``training.llm_pairs``: MusicCaps-train
caption sentences and captions rewritten as requests, MTG-Jamendo train tag sets described) mixed with
``replay`` × as many pairs drawn from the data stage's ``pairs.jsonl``, so the model keeps what it knew.
The score function is explicit (cosine, as the student's). Writes ``refined/`` and ``refine_log.json``
(the dev-sample Recall@10 of the base and the refined model, as ``training.monitor`` measures it).

Out of scope: mining negatives (in-batch negatives only; mined ones did not help at this size, see
docs/results.md), the teacher, writing the rows (``training/generated/README.md``).

Example:
    >>> RefineConfig().replay
    1.0
"""

from __future__ import annotations

import logging
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import CratediggerError
from training.device import on_cpu, train_device
from training.files import read_jsonl, replace_dir, write_json

logger = logging.getLogger(__name__)


@dataclass
class RefineConfig:
    """The refine stage; a full pipeline run skips it unless ``enabled`` (``--stages refine`` runs it
    whatever ``enabled`` says, as it does any stage).

    Example:
        >>> RefineConfig(enabled=True).base_model
        'student'
    """

    enabled: bool = False
    base_model: str = "student"  # the run's student, or a name/folder retrieval.models.resolve knows
    llm_rows: str | None = None
    llm_kinds: tuple[str, ...] | None = None
    replay: float = 1.0  # data-stage pairs drawn per refine pair
    epochs: int = 1
    batch_size: int = 32
    learning_rate: float = 1e-5
    warmup_ratio: float = 0.1
    mnrl_scale: float = 20.0
    max_seq_length: int = 64
    eval_queries: int = 300
    seed: int = 13
    show_progress_bar: bool = True

    def __post_init__(self) -> None:
        from training.llm_pairs import checked_kinds

        self.llm_kinds = checked_kinds(self.llm_kinds, "refine", ValueError)
        if self.replay < 0:
            raise ValueError(f"refine.replay must be >= 0 (data-stage pairs per refine pair), "
                             f"got {self.replay}")


def refine_rows(new: list[dict], old: list[dict], replay: float, seed: int) -> list[dict]:
    """``new`` plus ``replay`` × len(new) rows drawn from ``old``, shuffled (one seeded generator).

    Example:
        >>> len(refine_rows([{"q": 1}] * 2, [{"q": 0}] * 10, 1.5, 0))
        5
    """
    rng = random.Random(seed)
    mix = new + rng.sample(old, min(len(old), int(replay * len(new))))
    rng.shuffle(mix)
    return mix


def refine_pairs(cfg: RefineConfig, run_dir: Path, musiccaps_csv: Path,
                 jamendo_tsv: Path | None) -> list[dict]:
    """The pairs of ``cfg.llm_rows`` (train tracks only), read against the run's ``pairs.jsonl``."""
    from retrieval.evaluation.benchmark import is_dev_track
    from training.data import jamendo_train_tags, read_musiccaps
    from training.llm_pairs import llm_pairs, llm_rows_path

    if not cfg.llm_rows:
        raise CratediggerError("refine: refine.llm_rows is not set; point it at the rows to refine on, "
                               'e.g. "training/generated/agent_rows.jsonl"')
    train = [r for r in read_musiccaps(musiccaps_csv) if not is_dev_track(r["ytid"])]
    tags = jamendo_train_tags(jamendo_tsv) if jamendo_tsv and jamendo_tsv.is_file() else None
    if tags is None:
        logger.warning("refine: no MTG-Jamendo tracks.tsv (data.jamendo), so jamendo_description and "
                       "jamendo_heard rows give no pairs")
    sentences = [p for p in _pairs(run_dir) if p["kind"] == "sentence"]
    return llm_pairs(llm_rows_path(cfg.llm_rows), train, tags, sentences, cfg.llm_kinds)


def _pairs(run_dir: Path) -> list[dict]:
    path = run_dir / "pairs.jsonl"
    if not path.is_file():
        raise CratediggerError(f"refine: expected the data stage's {path}, found nothing; run the data stage "
                               "first (cratedigger train --config CONFIG --stages data refine)")
    return read_jsonl(path)


def refine_model(cfg: RefineConfig, run_dir: Path, new: list[dict],
                 dev_dir: Path | None = None) -> dict[str, Any]:
    """Train on ``new`` + replay; save ``run_dir/refined`` and ``refine_log.json``; return counts."""
    from sentence_transformers import SentenceTransformer
    from transformers import set_seed

    from retrieval.models import resolve
    from training.monitor import DevRecallCallback

    if not new:
        raise CratediggerError(f"refine: 0 pairs from {cfg.llm_rows} (expected rows of train tracks); "
                               "check refine.llm_rows and refine.llm_kinds")
    old = [p for p in _pairs(run_dir) if not p["kind"].startswith("llm_")]
    rows = refine_rows(new, old, cfg.replay, cfg.seed)
    set_seed(cfg.seed)
    base = str(run_dir / "student") if cfg.base_model == "student" else resolve(cfg.base_model)
    if cfg.base_model == "student" and not (run_dir / "student").is_dir():
        raise CratediggerError(f"refine: expected the run's student at {run_dir / 'student'}, found nothing; "
                               "run the student stage first or set refine.base_model to a model name or "
                               "folder")
    model = SentenceTransformer(base, device=train_device())
    model.max_seq_length = cfg.max_seq_length
    model.similarity_fn_name = "cosine"
    monitor = DevRecallCallback(model, dev_dir, cfg.eval_queries, "cosine", cfg.seed) if dev_dir else None
    if monitor:
        monitor.record(0, "base")
    steps = _train(model, rows, cfg, run_dir)
    if monitor:
        monitor.record(steps, "refined")
    tmp = run_dir / "refined.tmp"
    model.save(str(tmp))
    replace_dir(tmp, run_dir / "refined")
    kinds: dict[str, int] = {}
    for p in new:
        kinds[p["kind"]] = kinds.get(p["kind"], 0) + 1
    result = {"pairs": kinds, "replay": len(rows) - len(new), "rows": len(rows), "steps": steps}
    write_json(run_dir / "refine_log.json", result | {"base_model": cfg.base_model,
                                                      "dev_recall": monitor.points if monitor else []})
    return result


def _train(model: Any, rows: list[dict], cfg: RefineConfig, run_dir: Path) -> int:
    """One MNRL run over ``rows`` (anchor, positive; no duplicate texts in a batch); returns its steps."""
    from datasets import Dataset
    from sentence_transformers import SentenceTransformerTrainer, SentenceTransformerTrainingArguments, util
    from sentence_transformers.sentence_transformer import losses
    from sentence_transformers.training_args import BatchSamplers

    work = run_dir / "refine.work"
    args = SentenceTransformerTrainingArguments(
        output_dir=str(work), num_train_epochs=cfg.epochs, per_device_train_batch_size=cfg.batch_size,
        learning_rate=cfg.learning_rate, warmup_ratio=cfg.warmup_ratio, seed=cfg.seed, logging_steps=20,
        save_strategy="no", report_to="none", use_cpu=on_cpu(), disable_tqdm=not cfg.show_progress_bar,
        batch_sampler=BatchSamplers.NO_DUPLICATES,
    )
    data = Dataset.from_dict({"anchor": [r["query"] for r in rows],
                              "positive": [r["positive"] for r in rows]})
    loss = losses.MultipleNegativesRankingLoss(model, scale=cfg.mnrl_scale, similarity_fct=util.cos_sim)
    trainer = SentenceTransformerTrainer(model=model, args=args, train_dataset=data, loss=loss)
    trainer.train()
    shutil.rmtree(work, ignore_errors=True)
    return int(trainer.state.global_step)
