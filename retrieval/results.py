"""Result records returned by search: ranked descriptor sets and ranked songs, with explanations."""

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
    """Everything one search returns. ``notices`` are user-facing remarks (truncation, avoided songs...)."""

    query: str
    sets: list[SetHit] = field(default_factory=list)
    songs: list[SongHit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

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
