"""The ``cratedigger`` command line: the parser (``main``) and ``retrieval``'s own subcommands.

Modules, imported one way: ``index_commands``, ``eval_commands``, ``perf_commands`` ← ``commands`` (the
``retrieval`` entry point); ``main`` finds every package's subcommands through the
``cratedigger.commands`` entry points and names none of them. All of it imports without numpy or torch.

Out of scope: what the commands do (the roles they call, imported inside the command functions).
"""

from __future__ import annotations

from retrieval.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
