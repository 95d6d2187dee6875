"""The ``pairs.jsonl`` row every data kind writes (``training.data``, ``training.descriptions``).

Out of scope: building queries (``training.templates``, ``training.descriptions``) and writing files.

Example:
    >>> pair("sad piano", ["piano", "sad"], "request", "t1")["positive"]
    'piano, sad'
"""

from __future__ import annotations

from typing import Any


def pair(query: str, descriptors: list[str], kind: str, group: str) -> dict[str, Any]:
    """One row: the query, its positive set (text and list), its kind and its source track (``group``,
    so negatives never come from it)."""
    return {"query": query, "positive": ", ".join(descriptors), "descriptors": descriptors,
            "kind": kind, "group": group}
