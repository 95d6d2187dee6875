"""The subcommands ``retrieval`` contributes to ``cratedigger`` (its ``cratedigger.commands`` entry point).

In help order: ``setup-models``, ``index``, ``search`` (``retrieval.cli.index_commands``),
``make-benchmark``, ``evaluate`` (``retrieval.cli.eval_commands``) and ``bench``
(``retrieval.cli.perf_commands``). Out of scope: the parser and the entry point discovery
(``retrieval.cli.main``); the subcommands of the packages above (they register their own).
"""

from __future__ import annotations

from typing import Any

from retrieval.cli import eval_commands, index_commands, perf_commands


def add_parsers(sub: Any) -> None:
    """Add every ``retrieval`` subcommand to ``sub`` (an argparse subparsers object)."""
    index_commands.add_parsers(sub)
    eval_commands.add_parsers(sub)
    perf_commands.add_parsers(sub)
