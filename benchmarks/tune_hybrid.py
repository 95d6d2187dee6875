"""Sweep the hybrid retriever's fusion (normalization x sparse retriever x dense weight) on one BEIR folder.

Dense and sparse score matrices are computed once; each setting only re-fuses them. Prints Recall@10 and
MRR@10 per setting, the best setting, and writes everything as JSON. Out of scope: choosing the default
(done by hand in ``retrieval/retrievers/hybrid_retriever.py`` from this script's output).

Example:
    nice -n 5 python benchmarks/tune_hybrid.py /tmp/bench/sentence-seed0 --model minilm --output tune.json
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.evaluation.evaluate import BeirData, load_beir
from retrieval.evaluation.metrics import compute_metrics
from retrieval.paths import state_dir
from retrieval.retrievers import DenseRetriever, HybridRetriever, build_retriever
from retrieval.retrievers.ranking import top_k

logger = logging.getLogger(__name__)
NORMALIZATIONS = ("minmax", "zscore", "rrf")
SPARSE = ("tfidf", "bm25")


def _metrics(scores: np.ndarray, data: BeirData) -> dict[str, float]:
    rankings = top_k(scores, 10)
    run = {q: [data.doc_ids[i] for i, _ in hits] for q, hits in zip(data.query_ids, rankings, strict=True)}
    return compute_metrics(run, data.qrels)


def _hits_at_10(scores: np.ndarray, data: BeirData) -> np.ndarray:
    relevant = [set(data.qrels[q]) for q in data.query_ids]
    return np.array(
        [
            any(data.doc_ids[i] in rel for i, _ in hits)
            for rel, hits in zip(relevant, top_k(scores, 10), strict=True)
        ]
    )


def overlap_report(name: str, dense_scores: np.ndarray, sparse_scores: np.ndarray, data: BeirData) -> str:
    """Share of queries whose relevant set is in the top 10 of both, one, or neither retriever."""
    d, s = _hits_at_10(dense_scores, data), _hits_at_10(sparse_scores, data)
    return (
        f"top-10 hits, dense vs {name}: both {100 * (d & s).mean():.1f}%, {name} only "
        f"{100 * (s & ~d).mean():.1f}%, dense only {100 * (d & ~s).mean():.1f}%, neither "
        f"{100 * (~d & ~s).mean():.1f}% (oracle {100 * (d | s).mean():.1f}%)"
    )


def corpus_report(data: BeirData) -> str:
    """Distinct descriptors in the corpus and the most repeated ones."""
    counts = Counter(part for text in data.doc_texts for part in text.split(", "))
    top = ", ".join(f"{d!r} {n}" for d, n in counts.most_common(5))
    return f"corpus: {len(data.doc_texts)} sets, {len(counts)} distinct descriptors; most repeated: {top}"


def sweep(data: BeirData, model: str, weights: list[float]) -> list[dict[str, Any]]:
    """Metrics of every (normalization, sparse, weight) on ``data``; prints the hit overlap per sparse."""
    dense = DenseRetriever(model, cache_dir=str(state_dir() / "embeddings"), show_progress_bar=True)
    dense_scores = dense.fit(data.doc_texts).score_all(data.query_texts)
    rows = []
    for sparse_name in SPARSE:
        sparse = build_retriever(sparse_name).fit(data.doc_texts)
        sparse_scores = sparse.score_all(data.query_texts)
        print(overlap_report(sparse_name, dense_scores, sparse_scores, data))
        for norm in NORMALIZATIONS:
            for weight in weights:
                fused = HybridRetriever(dense, sparse, weight, norm).fuse(dense_scores, sparse_scores)
                rows.append(
                    {"sparse": sparse_name, "normalization": norm, "weight": weight, **_metrics(fused, data)}
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bench", help="a BEIR folder, normally the dev sentence-seed0 benchmark")
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--step", type=float, default=0.05)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    weights = [round(w, 4) for w in np.arange(0.0, 1.0 + 1e-9, args.step)]
    data = load_beir(args.bench)
    print(corpus_report(data))
    rows = sweep(data, args.model, weights)
    print(f"{'sparse':<6} {'norm':<7} " + " ".join(f"{w:>5.2f}" for w in weights) + "   (Recall@10 x 100)")
    for sparse_name in SPARSE:
        for norm in NORMALIZATIONS:
            cells = [
                r["recall@10"] for r in rows if r["sparse"] == sparse_name and r["normalization"] == norm
            ]
            print(f"{sparse_name:<6} {norm:<7} " + " ".join(f"{100 * c:>5.1f}" for c in cells))
    best = max(rows, key=lambda r: (r["recall@10"], r["mrr@10"]))
    print("best:", json.dumps(best))
    if args.output:
        Path(args.output).write_text(
            json.dumps({"bench": args.bench, "model": args.model, "best": best, "rows": rows}, indent=1)
            + "\n"
        )


if __name__ == "__main__":
    main()
