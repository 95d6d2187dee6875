"""Stage 4, pseudo labels: the teacher's margin δ = CE(q, pos) − CE(q, neg) for every mined triplet.

``scale`` chooses the teacher score: ``prob`` (sigmoid output, δ in [-1, 1], the same range as a
difference of cosine similarities, used with a cosine student) or ``logit`` (raw logit, the GPL paper's
choice for a dot-product student). With ``bm25_weight`` > 0 the teacher is fused with the served BM25
(``training.fused_teacher``): the score is the teacher's logit plus ``bm25_weight`` × the document's BM25
score z-scored over the query's top ``bm25_depth``, so margins come from a teacher that reranks better
than either half. Writes ``labels.jsonl`` (query, positive, negative, label).
Out of scope: scoring with the cross-encoder (done once in ``negatives``, whose probabilities this reads).
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
    bm25_weight: float = 0.0  # 0: the cross-encoder alone; > 0: fused with BM25 z-scores
    bm25_depth: int = 100  # a query's BM25 mean and spread are taken over its top bm25_depth documents


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def margin(pos_prob: float, neg_prob: float, cfg: PseudoLabelConfig, pos_z: float = 0.0,
           neg_z: float = 0.0) -> float:
    """δ for one triplet from the teacher's probabilities (and the BM25 z-scores when fused).

    Example:
        >>> cfg = PseudoLabelConfig(scale="logit", bm25_weight=0.5)
        >>> margin(0.5, 0.5, cfg, pos_z=2.0, neg_z=0.0)  # equal teacher scores: BM25 decides
        1.0
    """
    if cfg.scale not in ("prob", "logit"):
        raise ValueError(f"unknown pseudo-label scale {cfg.scale!r}: expected 'prob' or 'logit'")
    if cfg.bm25_weight == 0.0:
        if cfg.scale == "prob":
            return round(pos_prob - neg_prob, 6)
        return round(_logit(pos_prob) - _logit(neg_prob), 6)
    pos = _logit(pos_prob) + cfg.bm25_weight * pos_z
    neg = _logit(neg_prob) + cfg.bm25_weight * neg_z
    if cfg.scale == "prob":
        return round(_sigmoid(pos) - _sigmoid(neg), 6)
    return round(pos - neg, 6)


def pseudo_label(cfg: PseudoLabelConfig, run_dir: Path) -> dict[str, float]:
    """Write ``labels.jsonl`` from ``negatives.jsonl``; return count and mean margin."""
    rows = read_jsonl(run_dir / "negatives.jsonl")
    pos_z, neg_z = [0.0] * len(rows), [0.0] * len(rows)
    if cfg.bm25_weight:
        from training.fused_teacher import bm25_zscores

        corpus = [r["text"] for r in read_jsonl(run_dir / "corpus.jsonl")]
        pos_z, neg_z = bm25_zscores(rows, corpus, cfg.bm25_depth)
    out = [{"query": r["query"], "positive": r["positive"], "negative": r["negative"],
            "label": margin(r["pos_prob"], r["neg_prob"], cfg, pz, nz), "kind": r.get("kind", "")}
           for r, pz, nz in zip(rows, pos_z, neg_z, strict=True)]
    write_jsonl(run_dir / "labels.jsonl", out)
    mean = sum(r["label"] for r in out) / max(len(out), 1)
    logger.info("pseudo labels: %d triplets, mean margin %.3f", len(out), mean)
    return {"triplets": len(out), "mean_margin": round(mean, 4)}
