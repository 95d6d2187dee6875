"""Stage 4, pseudo labels: the teacher's margin δ = CE(q, pos) − CE(q, neg) for every mined triplet.

``scale`` chooses the teacher score: ``prob`` (sigmoid output, δ in [-1, 1], the same range as a
difference of cosine similarities, used with a cosine student) or ``logit`` (raw logit, the GPL paper's
choice for a dot-product student). Writes ``labels.jsonl`` (query, positive, negative, label).
Out of scope: scoring (done once in ``negatives``, whose teacher probabilities this reads).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from pathlib import Path

from training.files import read_jsonl, write_jsonl

logger = logging.getLogger(__name__)


@dataclass
class PseudoLabelConfig:
    """Which teacher score the margins use.

    Example:
        >>> margin(0.9, 0.2, PseudoLabelConfig(scale="prob"))
        0.7
    """

    scale: str = "prob"  # "prob" | "logit"


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def margin(pos_prob: float, neg_prob: float, cfg: PseudoLabelConfig) -> float:
    """δ for one triplet from the teacher's probabilities."""
    if cfg.scale == "prob":
        return round(pos_prob - neg_prob, 6)
    if cfg.scale == "logit":
        return round(_logit(pos_prob) - _logit(neg_prob), 6)
    raise ValueError(f"unknown pseudo-label scale {cfg.scale!r}: expected 'prob' or 'logit'")


def pseudo_label(cfg: PseudoLabelConfig, run_dir: Path) -> dict[str, float]:
    """Write ``labels.jsonl`` from ``negatives.jsonl``; return count and mean margin."""
    rows = read_jsonl(run_dir / "negatives.jsonl")
    out = [{"query": r["query"], "positive": r["positive"], "negative": r["negative"],
            "label": margin(r["pos_prob"], r["neg_prob"], cfg), "kind": r.get("kind", "")} for r in rows]
    write_jsonl(run_dir / "labels.jsonl", out)
    mean = sum(r["label"] for r in out) / max(len(out), 1)
    logger.info("pseudo labels: %d triplets, mean margin %.3f", len(out), mean)
    return {"triplets": len(out), "mean_margin": round(mean, 4)}
