"""The ``cratedigger`` console script: one parser, subcommands contributed by each installed package.

Each package declares ``add_parsers(subparsers)`` in the ``cratedigger.commands`` entry point group
(``pyproject.toml``); it adds its subcommands and sets ``func`` on them. The core names no package
above it: it loads whatever the group lists (``retrieval`` first, then by name), so the import graph
runs ``chat``/``training`` → ``retrieval`` only. Heavy imports (numpy, torch, gradio) happen inside
the command functions, so ``cratedigger --help`` stays fast and imports neither numpy nor torch.
Project errors (``CratediggerError``) become a one-line message and exit code 2 here, and only here.

Out of scope: the subcommands themselves (``retrieval.cli.commands`` and each package's own).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import EntryPoint, distributions
from typing import Any

from retrieval.errors import CratediggerError

GROUP = "cratedigger.commands"


def command_entry_points() -> list[EntryPoint]:
    """The ``cratedigger.commands`` entry points, one per name, ``retrieval`` first, then by name.

    A name listed by two installed copies (an editable and a plain install) is loaded once.

    Example:
        >>> [ep.name for ep in command_entry_points()][0]
        'retrieval'
    """
    unique: dict[str, EntryPoint] = {}
    # Every installed copy's metadata, not only the first per name: ``entry_points()`` keeps one
    # distribution per name, and a stale ``cratedigger.egg-info`` in the working directory would hide
    # the installed one's commands.
    for dist in distributions():
        for ep in dist.entry_points:
            if ep.group == GROUP:
                unique.setdefault(ep.name, ep)
    return sorted(unique.values(), key=lambda ep: (ep.name != "retrieval", ep.name))


def _registrars() -> list[Callable[[Any], None]]:
    found = [ep.load() for ep in command_entry_points()]
    if found:
        return found
    from retrieval.cli.commands import add_parsers  # not installed (no metadata): the core's own commands

    return [add_parsers]


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options plus every registered package's subcommands."""
    parser = argparse.ArgumentParser(
        prog="cratedigger", description="Conversational music recommendation over song descriptor sets."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add_parsers in _registrars():
        add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``cratedigger`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(name)s: %(message)s"
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 1
    try:
        result = args.func(args)
    except CratediggerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
