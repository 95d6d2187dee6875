"""Retrieval performance benchmark (same as ``cratedigger bench retrieval``).

Usage: ``nice -n 5 python benchmarks/retrieval_bench.py --sizes 1e3 1e4 1e5 1e6 --markdown out.md``.
The logic lives in ``retrieval.perf.bench`` so the installed CLI can run it from anywhere.
"""

from __future__ import annotations

import argparse
import logging
import sys

from retrieval.perf.bench import run_from_args
from retrieval.perf.options import add_arguments


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_arguments(parser)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
