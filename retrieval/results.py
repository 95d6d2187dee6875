"""Result records returned by search: ranked descriptor sets and ranked songs, with explanations.

Out of scope: producing them (``retrieval.search.searcher``) and rendering them (the CLI, ``chat.render``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from retrieval.song import Song


@dataclass(frozen=True)
class DescriptorMatch:
    """A part of the request (a phrase) matched to one descriptor of a song, with its similarity."""

    query_phrase: str
    descriptor: str
    score: float


@dataclass
class SetHit:
    """A ranked descriptor set (the retrieval unit of the paper) and the songs that carry it."""

    descriptors: tuple[str, ...]
    score: float
    song_ids: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return ", ".join(self.descriptors)


@dataclass
class SongHit:
    """A ranked song with the descriptors that matched the request and those that hit an ``avoid`` term."""

    song: Song
    score: float
    matches: list[DescriptorMatch] = field(default_factory=list)
    avoided: list[DescriptorMatch] = field(default_factory=list)


@dataclass
class SearchResult:
    """Everything one search returns. ``notices`` are user-facing remarks (truncation, avoided songs...);
    ``timings_ms`` the searcher's own step timings (``encode``, ``search``), not part of ``to_dict``.

    Example:
        >>> SearchResult("piano", timings_ms={"encode": 1.0}).to_dict()
        {'query': 'piano', 'notices': [], 'sets': [], 'songs': []}
    """

    query: str
    sets: list[SetHit] = field(default_factory=list)
    songs: list[SongHit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (used by the CLI's --json and the chat API)."""
        return {
            "query": self.query,
            "notices": list(self.notices),
            "sets": [
                {"descriptors": list(s.descriptors), "score": s.score, "song_ids": s.song_ids}
                for s in self.sets
            ],
            "songs": [
                {
                    **s.song.to_dict(),
                    "score": s.score,
                    "matches": [asdict(m) for m in s.matches],
                    "avoided": [asdict(m) for m in s.avoided],
                }
                for s in self.songs
            ],
        }
