"""Subcommands contributed by ``retrieval`` (evaluation: make-benchmark, evaluate) to the ``cratedigger`` CLI."""

from __future__ import annotations

import argparse
from typing import Any


def add_parsers(sub: Any) -> None:
    """Add this package's subcommands to ``sub`` (an argparse subparsers object)."""
    del sub  # filled in by the evaluation work


def _unused(args: argparse.Namespace) -> int:
    return 0
