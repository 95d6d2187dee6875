"""The ``Song`` record: one catalog entry with its high-level descriptors.

Out of scope: reading songs from files (``retrieval.catalog``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Song:
    """One song of a catalog.

    Args:
        id: Unique id within the catalog.
        title: Song title ("" when unknown).
        artist: Artist name ("" when unknown).
        descriptors: Short phrases describing the song ("steel drums", "upbeat", "instrumental").
        url: Where to listen.
        license: License of the recording or of the metadata, as known.
        source: Which dataset or file the row came from.
        extra: Any further fields of the source row.

    Example:
        >>> Song("1", "Kokomo", "The Beach Boys", ("steel drums", "tropical")).descriptor_text
        'steel drums, tropical'
    """

    id: str
    title: str
    artist: str
    descriptors: tuple[str, ...]
    url: str = ""
    license: str = ""
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def descriptor_text(self) -> str:
        """The descriptors joined by ", " — the text a retriever indexes."""
        return ", ".join(self.descriptors)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the JSONL catalog format)."""
        return {
            "id": self.id,
            "title": self.title,
            "artist": self.artist,
            "descriptors": list(self.descriptors),
            "url": self.url,
            "license": self.license,
            "source": self.source,
            **self.extra,
        }
