"""Does a teacher beat BM25? Score cross-encoders as rerankers of BM25's top 100 on dev folders (issue 13).

GPL's margins are only as good as the teacher that scores them, and this project's teachers have so
far reranked BM25's candidates *worse* than BM25 ranks them. This script measures that for a trained
teacher (``--teacher DIR``, e.g. ``runs/v7/teacher``) or trains teacher variants from one run's
``pairs.jsonl`` (``--run-dir``, ``--variant name=JSON`` overrides of the config's ``teacher`` block)
and scores each. Per folder it prints Recall@10 of BM25 alone, of the teacher reranking BM25's top
``--depth``, and of the two fused (z-scored teacher + z-scored BM25, per query). ``--sample 200`` on
``sentence-seed0`` scores the queries a training run's ``metrics.json`` reports as "rerank".
``--label-weights 1 2`` adds the fusion the pseudo-label stage uses with ``bm25_weight`` w (the
teacher's logit + w × BM25's z-score, ``training.pseudo_labels``), to choose w on dev folders.

    python benchmarks/teacher_rerank.py --teacher runs/v7/teacher --folders B/sentence-seed0 L/sentence-seed0
    CRATEDIGGER_TRAIN_DEVICE=cuda python benchmarks/teacher_rerank.py --run-dir runs/v7 \\
        --config training/configs/shipped.json --variant two-epochs='{"epochs": 2}' --folders B/* L/*

Out of scope: training a student from a variant (``cratedigger train``), retrievers other than BM25 as
the first stage.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np


def _z(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


def pick_queries(total: int, sample: int | None, seed: int = 0) -> list[int]:
    """Query positions to score: all, or the ``sample`` a training run's rerank report draws.

    Delegates to ``training.evaluate.rerank_sample``, so ``--sample 200`` on ``sentence-seed0`` scores
    the very queries of a run's ``metrics.json`` "rerank".

    Example:
        >>> pick_queries(5, None)
        [0, 1, 2, 3, 4]
    """
    from training.evaluate import rerank_sample

    return list(range(total)) if sample is None else rerank_sample(total, sample, seed)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def rerank_folder(teacher: Any, folder: Path, depth: int, sample: int | None,
                  label_weights: tuple[float, ...] = ()) -> dict[str, float]:
    """Recall@10 (%) of BM25, the teacher on BM25's top ``depth``, and their fusions, on one BEIR folder."""
    from retrieval.evaluation.evaluate import load_beir
    from retrieval.evaluation.metrics import compute_metrics
    from retrieval.retrievers import build_retriever

    beir = load_beir(folder)
    idx = pick_queries(len(beir.query_ids), sample)
    n = len(idx)
    qids, queries = [beir.query_ids[i] for i in idx], [beir.query_texts[i] for i in idx]
    hits = build_retriever("bm25").fit(beir.doc_texts).search(list(queries), k=depth)
    runs: dict[str, dict[str, list[str]]] = {"bm25": {}, "teacher": {}, "teacher+bm25": {}}
    runs |= {f"label w={w:g}": {} for w in label_weights}
    for qid, query, row in zip(qids, queries, hits, strict=True):
        cands = [i for i, _ in row]
        t = np.asarray(teacher.predict([(query, beir.doc_texts[i]) for i in cands], batch_size=256,
                                       show_progress_bar=False), dtype=float)
        bm25_z = _z(np.asarray([s for _, s in row], dtype=float))
        fused = _z(t) + bm25_z
        for w in label_weights:  # the CrossEncoder's scores are sigmoid probabilities
            label = _logit(t) + w * bm25_z
            runs[f"label w={w:g}"][qid] = [beir.doc_ids[cands[j]] for j in np.argsort(-label, kind="stable")]
        runs["bm25"][qid] = [beir.doc_ids[i] for i in cands]
        runs["teacher"][qid] = [beir.doc_ids[cands[j]] for j in np.argsort(-t, kind="stable")]
        runs["teacher+bm25"][qid] = [beir.doc_ids[cands[j]] for j in np.argsort(-fused, kind="stable")]
    qrels = {q: beir.qrels[q] for q in qids}
    out = {k: round(100 * compute_metrics(r, qrels)["recall@10"], 1) for k, r in runs.items()}
    return {**out, "queries": float(n)}


def score_teacher(teacher_dir: Path, folders: list[Path], depth: int, sample: int | None,
                  label_weights: tuple[float, ...] = ()) -> dict:
    """Every folder's figures for the teacher saved in ``teacher_dir``."""
    from sentence_transformers.cross_encoder import CrossEncoder

    from training.device import train_device

    teacher = CrossEncoder(str(teacher_dir), device=train_device())
    return {str(f): rerank_folder(teacher, f, depth, sample, label_weights) for f in folders}


def train_variant(run_dir: Path, config: Path, name: str, overrides: dict, work: Path) -> tuple[Path, float]:
    """Train one teacher variant on ``run_dir/pairs.jsonl`` in ``work/name``; its folder and seconds."""
    from training.pipeline import load_config
    from training.teacher import train_teacher

    cfg = dataclasses.replace(load_config(config).teacher, show_progress_bar=False, **overrides)
    out = work / name
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(run_dir / "pairs.jsonl", out / "pairs.jsonl")
    start = time.perf_counter()
    train_teacher(cfg, out)
    return out / "teacher", time.perf_counter() - start


def _print(label: str, figures: dict) -> None:
    for folder, f in figures.items():
        extra = "".join(f"  {k} {v:5.1f}" for k, v in f.items() if k.startswith("label"))
        print(f"{label:24s} {folder:32s} n={int(f['queries']):5d}  bm25 {f['bm25']:5.1f}  "
              f"teacher {f['teacher']:5.1f}  teacher+bm25 {f['teacher+bm25']:5.1f}{extra}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--folders", nargs="+", type=Path, required=True, help="BEIR dev folders")
    ap.add_argument("--teacher", type=Path, help="score this trained teacher folder")
    ap.add_argument("--run-dir", type=Path, help="a run directory whose pairs.jsonl variants train on")
    ap.add_argument("--config", type=Path, default=Path("training/configs/shipped.json"))
    ap.add_argument("--variant", action="append", default=[],
                    help='name=JSON overrides of the teacher block, e.g. wide=\'{"queries": 9000}\'')
    ap.add_argument("--work", type=Path, default=Path("runs/teacher-variants"))
    ap.add_argument("--depth", type=int, default=100)
    ap.add_argument("--sample", type=int, default=None,
                    help="score N queries per folder, drawn as a training run's rerank report draws them")
    ap.add_argument("--label-weights", nargs="*", type=float, default=[],
                    help="also rank by the teacher's logit + w x BM25 z-score (pseudo_labels.bm25_weight)")
    ap.add_argument("--output", type=Path, help="write every figure here as JSON")
    args = ap.parse_args(argv)
    if not args.teacher and not (args.run_dir and args.variant):
        ap.error("give --teacher DIR, or --run-dir with one or more --variant name=JSON")
    results: dict[str, Any] = {}
    if args.teacher:
        results["teacher"] = {"path": str(args.teacher),
                              "folders": score_teacher(args.teacher, args.folders, args.depth, args.sample,
                                                         tuple(args.label_weights))}
        _print("teacher", results["teacher"]["folders"])
    for spec in args.variant:
        name, _, raw = spec.partition("=")
        overrides = json.loads(raw or "{}")
        teacher_dir, seconds = train_variant(args.run_dir, args.config, name, overrides, args.work)
        figures = score_teacher(teacher_dir, args.folders, args.depth, args.sample, tuple(args.label_weights))
        results[name] = {"overrides": overrides, "train_seconds": round(seconds, 1), "folders": figures}
        _print(name, figures)
        if args.output:
            args.output.write_text(json.dumps(results, indent=1))
    if args.output:
        args.output.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
