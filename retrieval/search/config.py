"""How a searcher ranks and matches: ``SearchConfig``, which holds a ``MatchConfig``, and the query limit.

``SearchConfig.to_dict()`` is the flat ``search_config`` object of an index manifest (the match
thresholds beside the other settings, as before they were grouped), and ``SearchConfig.from_dict``
reads it back; indexes written before the grouping load unchanged.

Out of scope: using the settings (``retrieval.search.searcher``, ``retrieval.search.matching``) and
checking stored values (``retrieval.index.checks``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

SONG_SCORING = ("set", "coverage", "combined")
MAX_QUERY_CHARS = 2000  # longest request searched (and longest chat message read); longer ones are cut


@dataclass(frozen=True)
class MatchConfig:
    """Thresholds as z-scores over unrelated descriptor pairs, or absolute cosines when set (not None).

    Example:
        >>> MatchConfig().avoid_z
        4.3
    """

    match_z: float = 3.0
    avoid_z: float = 4.3
    match_threshold: float | None = None
    avoid_threshold: float | None = None
    avoid_strict_z: float = 7.5  # a semantic-only avoid hit that shares no word with the term needs this
    avoid_strict_threshold: float | None = None


MATCH_KEYS = tuple(f.name for f in dataclasses.fields(MatchConfig))


@dataclass(frozen=True)
class SearchConfig:
    """How a searcher ranks; ``match`` holds the descriptor-matching thresholds.

    Example:
        >>> config = SearchConfig(avoid_mode="demote", match=MatchConfig(avoid_z=5.0))
        >>> d = config.to_dict()
        >>> d["avoid_z"], SearchConfig.from_dict(d) == config
        (5.0, True)
    """

    retriever: str = "hybrid"
    song_scoring: str = "combined"
    coverage_weight: float = 0.7  # tuned with the shipped model: docs/performance.md, "Song scoring"
    include_weight: float = 0.3
    candidates: int = 100
    avoid_mode: str = "remove"
    max_query_chars: int = MAX_QUERY_CHARS
    match: MatchConfig = field(default_factory=MatchConfig)
    batch_size: int = 64
    show_progress_bar: bool = False
    query_threads: int | None = 1
    retrieval_text: str = "request"  # what the retriever gets: "request" (as typed) or "phrases"
    # weight of the hybrid's descriptor-set prior (0: off); the same as retrieval.retrievers' default
    set_prior_weight: float = 0.3

    def __post_init__(self) -> None:
        if self.song_scoring not in SONG_SCORING:
            raise ValueError(f"song_scoring must be one of {SONG_SCORING}, got {self.song_scoring!r}")
        if self.avoid_mode not in ("remove", "demote"):
            raise ValueError(f"avoid_mode must be 'remove' or 'demote', got {self.avoid_mode!r}")
        if not self.set_prior_weight >= 0:
            raise ValueError(
                f"set_prior_weight must be >= 0 (0 turns the prior off), got {self.set_prior_weight!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        """The flat form stored in an index manifest (``match`` fields beside the others)."""
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "match"}
        return {**values, **dataclasses.asdict(self.match)}

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> SearchConfig:
        """The config whose ``to_dict`` is ``values`` (unknown keys are not allowed here)."""
        match = {k: v for k, v in values.items() if k in MATCH_KEYS}
        rest = {k: v for k, v in values.items() if k not in MATCH_KEYS}
        return cls(**rest, match=MatchConfig(**match))
