"""Length limits for catalog rows: a 10 MB descriptor or caption is reported and skipped, not indexed.

The limits are module constants, read on every row: assign to change them (e.g.
``retrieval.catalog.row_limits.MAX_FIELD_CHARS = 100_000`` before ``load_catalog``). A row over a limit is
skipped, never truncated (a cut descriptor would be a made-up one), and its reason names the constant:

* ``MAX_DESCRIPTOR_CHARS`` (200): characters in one descriptor, after whitespace is collapsed. Real
  descriptors are short phrases (the longest in MusicCaps has 50 characters, in MTG-Jamendo 20).
* ``MAX_DESCRIPTORS`` (500): descriptors per song (MusicCaps has at most 32, MTG-Jamendo 33).
* ``MAX_FIELD_CHARS`` (20,000): characters in any one field as read (id, title, the raw descriptor
  field, a caption or any other column; lists and objects measured as JSON), checked before parsing,
  so a 10 MB descriptor cell costs no list parsing. The longest real field is a 749-character caption.

The checks run in ``retrieval.catalog.row_readers.SongBuilder``, so every format (JSONL, CSV/TSV, MusicCaps,
MTG-Jamendo, LP-MusicCaps CSV and Parquet) gets them. Out of scope: reading files
(``retrieval.catalog.row_readers``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

MAX_DESCRIPTOR_CHARS = 200
MAX_DESCRIPTORS = 500
MAX_FIELD_CHARS = 20_000


def shown(text: str, limit: int = 60) -> str:
    """``repr(text)``, shortened to about ``limit`` characters for messages."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _length(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, (list, tuple, dict)) or hasattr(value, "tolist"):
        return len(json.dumps(value.tolist() if hasattr(value, "tolist") else value, default=str))
    return 0


def over_limit(values: Mapping[str, Any]) -> str | None:
    """Why one of ``values`` (the row's fields) is over ``MAX_FIELD_CHARS``, or None."""
    for key, value in values.items():
        if key != "extra" and (n := _length(value)) > MAX_FIELD_CHARS:
            return (f"field {key!r} is {n:,} characters, over the limit of {MAX_FIELD_CHARS:,} "
                    "(retrieval.catalog.row_limits.MAX_FIELD_CHARS)")
    return None


def descriptor_problem(parsed: tuple[str, ...]) -> str | None:
    """Why ``parsed`` breaks a descriptor limit (or is empty), or None."""
    if not parsed:
        return "empty descriptor list"
    if len(parsed) > MAX_DESCRIPTORS:
        return (f"{len(parsed):,} descriptors, over the limit of {MAX_DESCRIPTORS:,} "
                "(retrieval.catalog.row_limits.MAX_DESCRIPTORS)")
    for number, phrase in enumerate(parsed, start=1):
        if len(phrase) > MAX_DESCRIPTOR_CHARS:
            return (f"descriptor {number} is {len(phrase):,} characters, over the limit of "
                    f"{MAX_DESCRIPTOR_CHARS:,} (retrieval.catalog.row_limits.MAX_DESCRIPTOR_CHARS)")
    return None
