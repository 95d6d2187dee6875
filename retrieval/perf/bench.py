"""``cratedigger bench retrieval``: query encode time, vector search latency, memory and ANN recall.

For each size (10^3 ... 10^6 descriptor sets): build the exact index (``IndexFlatIP``) and, at and above
``--exact-max``, the HNSW index; time single-query searches (k=10) with real caption sentences as
queries; report p50/p95, build time, index size and process RSS, and recall@10 of HNSW against exact
search, with an ``efSearch`` sweep. Query encode time is single-query ``SentenceTransformer.encode``
(no cache). ``--searcher`` also times end-to-end ``Searcher.search`` (hybrid) on real catalogs.
See ``retrieval.perf.data`` for how sets and their vectors are made. Prints a Markdown table.

Out of scope: retrieval quality (``cratedigger evaluate``).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.index.config import IndexConfig, ef_search_for
from retrieval.models.threads import torch_threads

logger = logging.getLogger(__name__)


def _pcts(values: list[float]) -> tuple[float, float]:
    arr = np.asarray(values) * 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 95))


def rss_mb() -> float:
    """Resident memory of this process in MiB (Linux ``/proc``; NaN elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def time_calls(fn: Callable[[Any], Any], items: Any, warmup: int = 3) -> list[float]:
    """Wall seconds of ``fn(item)`` for each item, after ``warmup`` untimed calls."""
    for item in items[:warmup]:
        fn(item)
    out = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - start)
    return out


def bench_encode(model: Any, queries: list[str]) -> list[dict[str, Any]]:
    """p50/p95 of single-query encode time, with 1 torch thread (what ``Searcher`` uses) and one per CPU."""
    def encode(q: str) -> Any:
        return model.encode([q], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)

    out = []
    for threads in sorted({1, os.cpu_count() or 1}):
        with torch_threads(threads):
            p50, p95 = _pcts(time_calls(encode, queries))
        out.append({"queries": len(queries), "p50_ms": p50, "p95_ms": p95, "torch_threads": threads})
    return out


def tie_aware_recall(vectors: np.ndarray, queries: np.ndarray, ann_ids: np.ndarray,
                     exact_scores: np.ndarray, eps: float = 1e-5) -> float:
    """Mean fraction of ANN hits whose true score reaches the exact k-th score (ties count as hits)."""
    kth = exact_scores[:, -1]
    hits = []
    for q, ids, bar in zip(queries, ann_ids, kth, strict=True):
        ids = ids[ids >= 0]
        true = vectors[ids] @ q if len(ids) else np.zeros(0)
        hits.append(float(np.sum(true >= bar - eps)) / exact_scores.shape[1])
    return float(np.mean(hits))


def bench_index(vectors: np.ndarray, queries: np.ndarray, kind: str, args: argparse.Namespace,
                exact: np.ndarray | None) -> tuple[dict[str, Any], np.ndarray, list[dict[str, Any]]]:
    """Build one index, time searches; returns (row, exact scores, efSearch sweep rows).

    ``vectors`` and ``queries`` must be unit length (cosine); ``exact`` holds the exact top-10 scores.
    """
    from retrieval.index.vector_index import VectorIndex

    cfg = IndexConfig(hnsw_m=args.hnsw_m, ef_construction=args.ef_construction, storage=args.storage)
    start = time.perf_counter()
    index = VectorIndex.build(vectors, kind=kind, config=cfg)
    build_s = time.perf_counter() - start

    def run(ef: int | None) -> tuple[dict[str, Any], np.ndarray]:
        if ef is not None:
            index.ef_search = ef
        found = [index.search(q[None, :], 10) for q in queries]
        scores, ids = np.stack([f[0][0] for f in found]), np.stack([f[1][0] for f in found])
        p50, p95 = _pcts(time_calls(lambda q: index.search(q[None, :], 10), list(queries)))
        recall = tie_aware_recall(vectors, queries, ids, exact) if exact is not None else 1.0
        return {"search_p50_ms": p50, "search_p95_ms": p95, "recall@10": recall, "ef_search": ef}, scores

    sweep = []
    if kind == "hnsw":
        for ef in args.ef_search:
            sweep.append(run(ef)[0])
    default_ef = ef_search_for(len(index)) if kind == "hnsw" else None
    row, scores = run(default_ef)
    row.update(index=kind, build_s=build_s, index_mb=index.nbytes() / 2**20, rss_mb=rss_mb())
    if kind == "hnsw":
        row["params"] = f"{args.storage}, M={cfg.hnsw_m}, efC={cfg.ef_construction}, efS={default_ef}"
    return row, scores, sweep


def bench_searcher(specs: list[str], model: str, queries: list[str]) -> list[dict[str, Any]]:
    """End-to-end hybrid ``Searcher`` build and search times on real catalogs."""
    from retrieval.perf.data import loadable_catalogs
    from retrieval.search.searcher import Searcher

    rows = []
    for spec, catalog in loadable_catalogs(specs, "searcher on"):
        start = time.perf_counter()
        searcher = Searcher.build(catalog, model=model)
        build_s = time.perf_counter() - start
        p50, p95 = _pcts(time_calls(lambda q, s=searcher: s.search(q, k=10), queries))  # type: ignore[misc]
        rows.append({"catalog": spec, "songs": len(catalog), "sets": len(searcher.table.sets),
                     "build_s": build_s, "search_p50_ms": p50, "search_p95_ms": p95})
    return rows


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Run the benchmark; returns every number (also printed as Markdown tables)."""
    with torch_threads(args.torch_threads or None):
        return _run(args)


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from retrieval.models.encoder import Encoder, EncoderConfig
    from retrieval.perf import data as pd

    started = time.perf_counter()
    corpus = pd.load_corpus(args.catalogs, seed=args.seed)
    encoder = Encoder(EncoderConfig(model=args.model, batch_size=128))
    queries = pd.make_queries(corpus, max(args.queries, args.encode_queries), seed=args.seed)
    out: dict[str, Any] = {"catalogs": corpus.sources, "model": args.model, "cpus": os.cpu_count(),
                           "encode": bench_encode(encoder.model, queries[: args.encode_queries])}
    query_vecs = encoder.encode(queries[: args.queries])
    vocab_vecs = encoder.encode(corpus.vocab)
    out["rows"], out["sweep"] = [], []
    for n in sorted(args.sizes):
        sets = pd.synthetic_sets(corpus, n, seed=args.seed)
        n_real = min(n, len(corpus.real_sets))
        if n <= args.encode_max and n_real == n:
            vectors = encoder.encode([", ".join(s) for s in corpus.real_sets[:n]])
            source = "real sets, encoded"
            proxy = float(np.mean(np.sum(vectors * pd.mean_vectors(sets, vocab_vecs), axis=1)))
            out["proxy_cosine"] = {"sets": n, "mean_cosine": proxy}
        elif args.vectors == "random":
            vectors, source = pd.random_unit_vectors(n, vocab_vecs.shape[1], args.seed), "random unit vectors"
        else:
            vectors = pd.mean_vectors(sets, vocab_vecs)
            source = f"{n_real:,} real + {n - n_real:,} synthetic sets, mean of descriptor vectors"
        del sets
        flat_row, exact, _ = bench_index(vectors, query_vecs, "flat", args, None)
        out["rows"].append({"size": n, "vectors": source, **flat_row})
        if n >= args.exact_max:
            row, _, sweep = bench_index(vectors, query_vecs, "hnsw", args, exact)
            out["rows"].append({"size": n, "vectors": source, **row})
            out["sweep"].extend({"size": n, **s} for s in sweep)
        logger.info("size %d done at %.0f s", n, time.perf_counter() - started)
        del vectors
    out["searcher"] = bench_searcher(list(args.searcher or []), args.model, queries[:50])
    out["total_s"] = time.perf_counter() - started
    return out


def _row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def to_markdown(res: dict[str, Any]) -> str:
    """The benchmark's tables as Markdown."""
    lines = [f"Catalogs: {', '.join(res['catalogs'])}; model {res['model']}; {res['cpus']} CPUs; "
             f"total {res['total_s']:.0f} s.", ""]
    lines += [f"Query encode (single query, {e['queries']} queries, {e['torch_threads']} torch thread(s)): "
              f"p50 {e['p50_ms']:.1f} ms, p95 {e['p95_ms']:.1f} ms." for e in res["encode"]] + [""]
    if "proxy_cosine" in res:
        pc = res["proxy_cosine"]
        lines += [f"Mean cosine between a set's encoding and the mean of its descriptor vectors "
                  f"({pc['sets']:,} real sets): {pc['mean_cosine']:.3f}.", ""]
    lines += [_row("sets", "vectors", "index", "build s", "search p50 ms", "p95 ms", "recall@10 vs exact",
                   "index MB", "RSS MB"), "|---:|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in res["rows"]:
        kind = r["index"] + (f" ({r['params']})" if "params" in r else "")
        lines.append(_row(f"{r['size']:,}", r["vectors"], kind, f"{r['build_s']:.2f}",
                          f"{r['search_p50_ms']:.3f}", f"{r['search_p95_ms']:.3f}", f"{r['recall@10']:.3f}",
                          f"{r['index_mb']:.0f}", f"{r['rss_mb']:.0f}"))
    if res["sweep"]:
        lines += ["", _row("sets", "efSearch", "search p50 ms", "p95 ms", "recall@10"),
                  "|---:|---:|---:|---:|---:|"]
        lines += [_row(f"{s['size']:,}", s["ef_search"], f"{s['search_p50_ms']:.3f}",
                       f"{s['search_p95_ms']:.3f}", f"{s['recall@10']:.3f}") for s in res["sweep"]]
    if res["searcher"]:
        lines += ["", "| Searcher (hybrid) on | songs | sets | build s | search p50 ms | p95 ms |",
                  "|---|---:|---:|---:|---:|---:|"]
        lines += [f"| {s['catalog']} | {s['songs']:,} | {s['sets']:,} | {s['build_s']:.1f} | "
                  f"{s['search_p50_ms']:.1f} | {s['search_p95_ms']:.1f} |" for s in res["searcher"]]
    return "\n".join(lines) + "\n"


def run_from_args(args: argparse.Namespace) -> int:
    """CLI entry: run, print the tables, write --markdown / --json."""
    res = run(args)
    text = to_markdown(res)
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(res, indent=2))
    return 0
