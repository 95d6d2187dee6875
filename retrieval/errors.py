"""Project exceptions.

They carry user-facing messages; the CLI and the UI turn them into messages at the edge.
Out of scope: turning them into messages and exit codes (``retrieval.cli.main``; the chat UI).
"""

from __future__ import annotations


class CratediggerError(Exception):
    """Base class: a problem the user can fix.

    The message says what was expected, what was found, and how to fix it.
    """


class CatalogError(CratediggerError):
    """A catalog file is missing, unreadable, or has no usable rows."""


class IndexMismatchError(CratediggerError):
    """An index on disk does not match the catalog or model it is used with."""


class IndexDamagedError(IndexMismatchError):
    """An index folder's files are missing, truncated, unreadable or disagree with its manifest.

    A subclass of ``IndexMismatchError`` so every caller that rebuilds a stale index also rebuilds a
    damaged one; the message names the damage and the ``cratedigger index ... --force`` command.
    """


class UnsafeOutputError(CratediggerError):
    """An output folder names something that is not safe to replace (a file, a folder of other files)."""


class ModelNotFoundError(CratediggerError):
    """A model name or path could not be resolved to local weights."""


class QueryError(CratediggerError):
    """A query is empty or otherwise unusable."""


class DataNotFoundError(CratediggerError):
    """A dataset file (e.g. under ../shared/data) is missing."""


class BenchmarkError(CratediggerError):
    """A BEIR benchmark folder is missing files or has malformed lines, or a benchmark cannot be built."""
