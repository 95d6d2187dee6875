"""The options of ``cratedigger bench retrieval`` (shared by the CLI and ``benchmarks/retrieval_bench.py``).

Imports no numpy: the CLI adds these options when it builds its parser, also for ``--help``.
Out of scope: running the benchmark (``retrieval.perf.bench``).
"""

from __future__ import annotations

import argparse

from retrieval.index.config import IndexConfig


def _size(text: str) -> int:
    return int(float(text))


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The benchmark's options (shared by the CLI and ``benchmarks/retrieval_bench.py``)."""
    cfg = IndexConfig()
    p.add_argument("--sizes", nargs="+", type=_size, default=[1000, 10_000, 100_000, 1_000_000],
                   help="numbers of descriptor sets, e.g. 1e3 1e4 (default 1e3 1e4 1e5 1e6)")
    p.add_argument("--catalogs", nargs="+", default=["demo", "musiccaps", "jamendo"],
                   help="catalog specs giving real sets, vocabulary and queries (missing ones are skipped)")
    p.add_argument("--model", default="minilm")
    p.add_argument("--queries", type=int, default=200, help="search queries timed per size")
    p.add_argument("--encode-queries", type=int, default=100, help="queries timed for encoding")
    p.add_argument("--encode-max", type=_size, default=10_000,
                   help="sizes up to this use model-encoded real sets; larger use mean-of-descriptor vectors")
    p.add_argument("--vectors", choices=("mean", "random"), default="mean",
                   help="vectors beyond --encode-max: mean of descriptor vectors, or random unit vectors")
    p.add_argument("--exact-max", type=_size, default=cfg.exact_max, help="HNSW is built at and above this")
    p.add_argument("--hnsw-m", type=int, default=cfg.hnsw_m)
    p.add_argument("--ef-construction", type=int, default=cfg.ef_construction)
    p.add_argument("--storage", choices=("sq8", "flat"), default=cfg.storage,
                   help="HNSW over 8-bit codes with exact re-ranking (sq8) or over float vectors (flat)")
    p.add_argument("--ef-search", nargs="+", type=int, default=[64, 128, 192, 256, 384, 512, 768])
    p.add_argument("--torch-threads", type=int, default=1,
                   help="torch threads while the benchmark encodes its corpus (0: leave the default)")
    p.add_argument("--searcher", nargs="*", default=["demo"],
                   help="catalogs to time end-to-end Searcher.search on (hybrid); none to skip")
    p.add_argument("--markdown", default=None, help="also write the tables to this file")
    p.add_argument("--json", dest="json_out", default=None, help="write all numbers as JSON")
    p.add_argument("--seed", type=int, default=0)
