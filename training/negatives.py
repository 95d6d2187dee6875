"""Stage 3, hard negatives: mined with two retrievers (MiniLM dense and BM25), false negatives removed.

For ``queries`` sampled training pairs, each retriever proposes its top ``depth`` sets; candidates from
the query's own track, the positive itself and subsets of the positive are dropped, then the teacher
scores the rest and drops those it scores as relevant (probability ≥ ``relevant_threshold``). Up to
``per_retriever`` survivors per retriever are kept. Writes ``negatives.jsonl`` (query, positive,
negative, retriever, teacher probabilities ``pos_prob``/``neg_prob``). Out of scope: margins
(``pseudo_labels``).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.errors import CratediggerError
from training.device import train_device
from training.files import read_jsonl, write_jsonl
from training.mining import bm25_topk, dense_topk, is_subset

logger = logging.getLogger(__name__)


class NoNegativesError(CratediggerError):
    """The teacher scored every mined candidate as relevant, so no triplet is left to train on."""


@dataclass
class NegativesConfig:
    """How many queries to mine for and how.

    Example:
        >>> NegativesConfig(queries=10).retrievers
        ('dense', 'bm25')
    """

    queries: int | None = 4000  # None: every distinct training query
    unique_queries: bool = True  # one (query, positive) pair per distinct query, so no query is mined twice
    retrievers: tuple[str, ...] = ("dense", "bm25")
    dense_model: str = "minilm"
    depth: int = 20
    skip_top: int = 0
    per_retriever: int = 1  # negatives kept per query and retriever
    scored_per_retriever: int = 3  # candidates per query and retriever the teacher scores
    relevant_threshold: float = 0.5  # teacher probability at or above which a candidate is relevant
    batch_size: int = 64
    seed: int = 21
    show_progress_bar: bool = True


def _rankings(cfg: NegativesConfig, queries: list[str], corpus: list[str]) -> dict[str, list[list[int]]]:
    from retrieval.models import resolve

    out = {}
    for name in cfg.retrievers:
        if name == "bm25":
            out[name] = bm25_topk(queries, corpus, cfg.depth)
        elif name == "dense":
            out[name] = dense_topk(resolve(cfg.dense_model), queries, corpus, cfg.depth,
                                   show_progress_bar=cfg.show_progress_bar)
        else:
            raise ValueError(f"unknown mining retriever {name!r}: expected 'dense' or 'bm25'")
    return out


def candidates(pairs: list[dict], corpus_rows: dict[str, dict], rankings: dict[str, list[list[int]]],
               corpus: list[str], cfg: NegativesConfig) -> list[dict[str, Any]]:
    """Per query and retriever, the first ``depth`` candidates that are not trivially false negatives."""
    rows = []
    for qi, pair in enumerate(pairs):
        seen = {pair["positive"]}
        for name, ranks in rankings.items():
            taken = 0
            for idx in ranks[qi][cfg.skip_top:]:
                if taken >= cfg.scored_per_retriever:
                    break
                text = corpus[idx]
                cand = corpus_rows[text]
                if text in seen or cand["group"] == pair["group"]:
                    continue
                if is_subset(cand["descriptors"], pair["descriptors"]):
                    continue
                seen.add(text)
                taken += 1
                rows.append({"qi": qi, "query": pair["query"], "positive": pair["positive"],
                             "negative": text, "retriever": name, "kind": pair["kind"]})
    return rows


def sample_pairs(all_pairs: list[dict], cfg: NegativesConfig, rng: random.Random) -> list[dict]:
    """The training pairs to mine for: ``cfg.queries`` of them (all when None), one per query if unique.

    Example:
        >>> rows = [{"query": "a", "positive": "x"}, {"query": "a", "positive": "y"},
        ...         {"query": "b", "positive": "z"}]
        >>> cfg = NegativesConfig(queries=None)
        >>> sorted(p["query"] for p in sample_pairs(rows, cfg, random.Random(0)))
        ['a', 'b']
    """
    pool = all_pairs
    if cfg.unique_queries:
        by_query: dict[str, list[dict]] = {}
        for p in all_pairs:
            by_query.setdefault(p["query"], []).append(p)
        pool = [rng.choice(group) for group in by_query.values()]
    n = len(pool) if cfg.queries is None else min(cfg.queries, len(pool))
    return rng.sample(pool, n)


def mine_negatives(cfg: NegativesConfig, run_dir: Path) -> dict[str, int]:
    """Write ``negatives.jsonl``; return counts (candidates, dropped as relevant, kept)."""
    from sentence_transformers.cross_encoder import CrossEncoder

    rng = random.Random(cfg.seed)
    all_pairs = read_jsonl(run_dir / "pairs.jsonl")
    corpus_rows: dict[str, dict] = {}
    for p in all_pairs:
        corpus_rows.setdefault(p["positive"], p)
    corpus = list(corpus_rows)
    pairs = sample_pairs(all_pairs, cfg, rng)
    queries = [p["query"] for p in pairs]
    cands = candidates(pairs, corpus_rows, _rankings(cfg, queries, corpus), corpus, cfg)
    teacher = CrossEncoder(str(run_dir / "teacher"), device=train_device())
    pos = teacher.predict([(p["query"], p["positive"]) for p in pairs], batch_size=cfg.batch_size,
                          show_progress_bar=cfg.show_progress_bar, convert_to_numpy=True)
    neg = teacher.predict([(c["query"], c["negative"]) for c in cands], batch_size=cfg.batch_size,
                          show_progress_bar=cfg.show_progress_bar, convert_to_numpy=True)
    return _select(cfg, cands, [float(x) for x in pos], [float(x) for x in neg], run_dir)


def _select(cfg: NegativesConfig, cands: list[dict], pos: list[float], neg: list[float],
            run_dir: Path) -> dict[str, int]:
    kept: list[dict] = []
    taken: dict[tuple[int, str], int] = {}
    dropped = 0
    for cand, p_neg in zip(cands, neg, strict=True):
        if p_neg >= cfg.relevant_threshold:
            dropped += 1
            continue
        key = (cand["qi"], cand["retriever"])
        if taken.get(key, 0) >= cfg.per_retriever:
            continue
        taken[key] = taken.get(key, 0) + 1
        kept.append({**cand, "pos_prob": pos[cand["qi"]], "neg_prob": p_neg})
    if not kept:
        raise NoNegativesError(
            f"negatives: 0 of {len(cands)} mined candidates kept for {len(pos)} queries: the teacher scored "
            f"{dropped} of them at or above relevant_threshold {cfg.relevant_threshold} (expected some "
            "below it). The teacher is undertrained or the threshold too low: train the teacher on more "
            "queries or raise negatives.relevant_threshold.")
    write_jsonl(run_dir / "negatives.jsonl", kept)
    counts = {"queries": len(pos), "candidates": len(cands), "dropped_relevant": dropped, "kept": len(kept)}
    logger.info("negatives: %s", counts)
    return counts
