"""Subcommand of ``retrieval`` for performance: ``cratedigger bench retrieval [--sizes 1e3 1e4 ...]``.

The options come from ``retrieval.perf.options`` (no numpy); the benchmark itself
(``retrieval.perf.bench``) is imported when the command runs. Out of scope: retrieval quality
(``retrieval.cli.eval_commands``).
"""

from __future__ import annotations

import argparse
from typing import Any

from retrieval.perf.options import add_arguments


def add_parsers(sub: Any) -> None:
    """Add ``bench`` (with its ``retrieval`` benchmark) to ``sub`` (an argparse subparsers object)."""
    bench = sub.add_parser("bench", help="performance benchmarks")
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="BENCH", required=True)
    retrieval = bench_sub.add_parser("retrieval", help="encode/search latency, memory, ANN recall vs exact")
    add_arguments(retrieval)
    retrieval.set_defaults(func=run_bench)


def run_bench(args: argparse.Namespace) -> int:
    """Run ``cratedigger bench retrieval``."""
    from retrieval.perf.bench import run_from_args

    return run_from_args(args)
