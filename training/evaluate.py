"""Stage 6, evaluate: the student (dense and hybrid) against the baselines on every dev benchmark.

Retrievers: TF-IDF, BM25, MiniLM dense, MiniLM hybrid, the student dense and hybrid, plus any
``extra_models`` (e.g. the contrastive ablation). Also reports the teacher as a reranker of BM25's
top ``rerank_depth`` on a ``rerank_queries`` sample of ``sentence-seed0``, beside the bi-encoders on
the same sample. Writes ``metrics.json``, ``results.md`` and the plots (``training.plots``).
Out of scope: metric definitions (``retrieval.evaluation.metrics``), shipping (``training.ship``).
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from training.device import train_device
from training.devsets import DEV_VARIANTS, build_dev_sets
from training.files import write_json

logger = logging.getLogger(__name__)


@dataclass
class EvaluateConfig:
    """What to evaluate.

    Example:
        >>> EvaluateConfig().rerank_depth
        100
    """

    variants: tuple[str, ...] = DEV_VARIANTS
    baselines: tuple[str, ...] = ("tfidf", "bm25", "dense:minilm", "hybrid:minilm")
    baseline_model: str = "minilm"  # the model behind "minilm" (tests use a tiny one)
    extra_models: dict[str, str] = field(default_factory=dict)  # label -> model path
    rerank_queries: int = 200
    rerank_depth: int = 100
    docs_dir: str | None = None  # also copy the plots here (e.g. "docs")
    seed: int = 0


def _retrievers(cfg: EvaluateConfig, run_dir: Path, score_fn: str) -> dict[str, Any]:
    from retrieval.models.encoder import Encoder, EncoderConfig
    from retrieval.retrievers import build_retriever

    extra = dict(cfg.extra_models)
    if (run_dir / "student_warmup").is_dir():
        extra.setdefault("warmup", str(run_dir / "student_warmup"))
    models = {"minilm": cfg.baseline_model, "student": str(run_dir / "student"), **extra}
    encoders = {
        label: Encoder(EncoderConfig(model=path, score_fn=score_fn if label != "minilm" else "cosine"))
        for label, path in models.items()
    }
    out: dict[str, Any] = {}
    names = list(cfg.baselines) + ["dense:student", "hybrid:student"]
    names += [f"{kind}:{label}" for label in extra for kind in ("dense", "hybrid")]
    for name in names:
        kind, _, label = name.partition(":")
        if label:
            out[name] = build_retriever(kind, model=models[label], encoder=encoders[label])
        else:
            out[name] = build_retriever(kind)
    return out


def evaluate_run(cfg: EvaluateConfig, run_dir: Path, musiccaps_csv: Path, student_cfg: Any) -> dict[str, Any]:
    """Evaluate every retriever on every dev variant; write metrics, table and plots."""
    from retrieval.evaluation.evaluate import evaluate_retriever, load_beir
    from training import plots

    dev = build_dev_sets(musiccaps_csv, run_dir / "dev", tuple(cfg.variants))
    data = {name: load_beir(path) for name, path in dev.items()}
    metrics: dict[str, dict[str, dict[str, float]]] = {}
    for rname, retriever in _retrievers(cfg, run_dir, student_cfg.score_fn).items():
        for vname, beir in data.items():
            res = evaluate_retriever(retriever, beir)
            metrics.setdefault(rname, {})[vname] = {k: round(float(v), 4) for k, v in res.items()}
            logger.info("%s on %s: recall@10 %.4f", rname, vname, res["recall@10"])
    rerank = rerank_report(cfg, run_dir, data["sentence-seed0"], student_cfg.score_fn)
    out = {"metrics": metrics, "summary": summarize(metrics), "rerank": rerank}
    write_json(run_dir / "metrics.json", out)
    (run_dir / "results.md").write_text(plots.results_table(out), encoding="utf-8")
    plots.write_plots(run_dir, Path(cfg.docs_dir) if cfg.docs_dir else None)
    return {"summary": out["summary"], "rerank": rerank}


def summarize(metrics: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Recall@10 per retriever: mean over sentence seeds (``sentence``), ``song``, ``request``.

    Example:
        >>> summarize({"x": {"sentence-seed0": {"recall@10": 0.5}, "sentence-seed1": {"recall@10": 0.7}}})
        {'x': {'sentence': 0.6}}
    """
    out: dict[str, dict[str, float]] = {}
    for rname, per in metrics.items():
        groups: dict[str, list[float]] = {}
        for vname, values in per.items():
            groups.setdefault(vname.split("-seed")[0], []).append(values["recall@10"])
        out[rname] = {g: round(float(np.mean(v)), 4) for g, v in groups.items()}
    return out


def _recall10(rankings: list[list[int]], beir: Any, qids: list[str]) -> float:
    """Recall@10 (``retrieval.evaluation.metrics``) of corpus-position rankings for the queries ``qids``."""
    from retrieval.evaluation.metrics import compute_metrics

    run = {q: [beir.doc_ids[i] for i in ranked] for q, ranked in zip(qids, rankings, strict=True)}
    return compute_metrics(run, {q: beir.qrels[q] for q in qids})["recall@10"]


def rerank_sample(total: int, size: int, seed: int = 0) -> list[int]:
    """Sorted positions of the ``size`` queries (of ``total``) the rerank report scores; all if fewer.

    Example:
        >>> rerank_sample(5, 10)
        [0, 1, 2, 3, 4]
        >>> len(rerank_sample(1072, 200)), rerank_sample(1072, 200) == rerank_sample(1072, 200)
        (200, True)
    """
    return sorted(random.Random(seed).sample(range(total), min(size, total)))


def rerank_report(cfg: EvaluateConfig, run_dir: Path, beir: Any, score_fn: str) -> dict[str, float]:
    """Recall@10 on a query sample: BM25, the teacher reranking BM25's top-k, MiniLM, the student."""
    from sentence_transformers.cross_encoder import CrossEncoder

    from retrieval.retrievers import build_retriever

    idx = rerank_sample(len(beir.query_ids), cfg.rerank_queries, cfg.seed)
    queries = [beir.query_texts[i] for i in idx]
    qids = [beir.query_ids[i] for i in idx]
    bm25 = build_retriever("bm25").fit(beir.doc_texts)
    first = [[i for i, _ in hits] for hits in bm25.search(queries, k=cfg.rerank_depth)]
    teacher = CrossEncoder(str(run_dir / "teacher"), device=train_device())
    reranked = []
    for q, cands in zip(queries, first, strict=True):
        scores = teacher.predict([(q, beir.doc_texts[i]) for i in cands], batch_size=128,
                                 show_progress_bar=False)
        reranked.append([cands[j] for j in np.argsort(-np.asarray(scores))])
    report = {"queries": float(len(idx)), "bm25": _recall10(first, beir, qids),
              "teacher_rerank_bm25": _recall10(reranked, beir, qids)}
    bi_encoders = (("dense:minilm", cfg.baseline_model, "cosine"),
                   ("dense:student", str(run_dir / "student"), score_fn))
    for label, model, fn in bi_encoders:
        if label == "dense:student" and not Path(model).is_dir():
            continue  # the teacher can be checked before the student exists
        dense = build_retriever("dense", model=model, score_fn=fn).fit(beir.doc_texts)
        report[label] = _recall10([[i for i, _ in h] for h in dense.search(queries, k=10)], beir, qids)
    logger.info("rerank report: %s", report)
    return {k: round(v, 4) for k, v in report.items()}
