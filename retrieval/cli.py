"""The ``cratedigger`` console script: one parser, subcommands contributed by each package.

Each of ``retrieval.commands``, ``retrieval.eval_commands``, ``training.commands`` and
``chat.commands`` exposes
``add_parsers(subparsers)``, which adds its subcommands and sets ``func`` on them. Heavy imports
(torch, gradio) happen inside the command functions so ``cratedigger --help`` stays fast.
Project errors (``CratediggerError``) become a one-line message and exit code 2 here, and only here.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from retrieval.errors import CratediggerError

COMMAND_MODULES = ("retrieval.commands", "retrieval.eval_commands", "training.commands", "chat.commands")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cratedigger", description="Conversational music recommendation over song descriptor sets."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
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
