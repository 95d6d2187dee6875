"""The dialog state: what the listener wants, rejects and refers to, each with the turn that set it.

``DialogState`` is what a turn's search is made from and what ``/recommend`` returns; an API client
(or another replica of the app) hands it back with the next message instead of the whole history, and
the page's Inspect panel lets the listener drop one item. ``as_message`` writes the state as one plain
request ("upbeat, reggae, horns, no vocals, like Bob Marley") that every condenser reads back into the
same state, so the LLM backends and the rules share it. ``from_dict`` validates what a client sent.
Out of scope: parsing turns (the condensers) and resolving references (``chat.references``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from retrieval.errors import CratediggerError

MAX_ITEMS = 24
MAX_ITEM_CHARS = 80
MAX_SHOWN = 10


class StateError(CratediggerError):
    """A dialog state sent by a client is malformed."""


@dataclass(frozen=True)
class StateItem:
    """One descriptor (or reference) of the state and the user turn (1-based) that set it."""

    text: str
    turn: int


@dataclass
class DialogState:
    """Wanted and rejected descriptors, references and excluded artists, each with its turn.

    Example:
        >>> s = DialogState([StateItem("reggae", 1)], [StateItem("vocals", 2)], turn=2)
        >>> s.as_message()
        'reggae, no vocals'
        >>> DialogState.from_dict(s.to_dict()) == s
        True
    """

    wanted: list[StateItem] = field(default_factory=list)
    rejected: list[StateItem] = field(default_factory=list)
    like: list[StateItem] = field(default_factory=list)
    excluded_artists: list[StateItem] = field(default_factory=list)
    turn: int = 0
    shown: list[str] = field(default_factory=list)  # the last answer's songs, for "the third one"

    def as_message(self) -> str:
        """The state as one request that a condenser reads back into this state."""
        parts = [i.text for i in self.wanted]
        parts += [f"no {i.text}" for i in self.rejected]
        parts += [f"like “{i.text}”" for i in self.like]  # quoted: names may hold commas
        parts += [f"no “{i.text}”" for i in self.excluded_artists]
        return ", ".join(parts)

    def items(self) -> list[str]:
        """Every item as the listener sees it ("reggae", "no vocals", "like Bob Marley")."""
        return [*(i.text for i in self.wanted), *(f"no {i.text}" for i in self.rejected),
                *(f"like {i.text}" for i in self.like), *(f"no {i.text}" for i in self.excluded_artists)]

    def drop(self, shown: str) -> DialogState:
        """The state without the item shown as ``shown`` (one of ``items()``)."""
        def keep(items: list[StateItem], prefix: str) -> list[StateItem]:
            return [i for i in items if f"{prefix}{i.text}".lower() != shown.strip().lower()]

        return DialogState(keep(self.wanted, ""), keep(self.rejected, "no "), keep(self.like, "like "),
                           keep(self.excluded_artists, "no "), self.turn, list(self.shown))

    def to_dict(self) -> dict[str, Any]:
        def rows(items: list[StateItem]) -> list[dict[str, Any]]:
            return [{"text": i.text, "turn": i.turn} for i in items]

        return {"wanted": rows(self.wanted), "rejected": rows(self.rejected), "like": rows(self.like),
                "excluded_artists": rows(self.excluded_artists), "turn": self.turn, "shown": list(self.shown)}

    @classmethod
    def from_dict(cls, obj: Any) -> DialogState:
        """Validate a state sent back by a client. Raises ``StateError`` saying what was wrong."""
        if not isinstance(obj, dict):
            raise StateError(f"state must be an object like /recommend returns, got {type(obj).__name__}")
        unknown = set(obj) - {"wanted", "rejected", "like", "excluded_artists", "turn", "shown"}
        if unknown:
            raise StateError(f"state has unknown keys {sorted(unknown)[:4]}; expected wanted, rejected, "
                             "like, excluded_artists, turn, shown")
        turn = obj.get("turn", 0)
        if not isinstance(turn, int) or isinstance(turn, bool) or not 0 <= turn <= 10_000:
            raise StateError(f"state.turn must be an integer 0..10000, got {turn!r:.40}")
        keys = ("wanted", "rejected", "like", "excluded_artists")
        lists = {k: _items(obj.get(k, []), k, turn) for k in keys}
        return cls(**lists, turn=turn, shown=_shown(obj.get("shown", [])))


def _shown(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_SHOWN or not all(isinstance(v, str) for v in value):
        raise StateError(f"state.shown must be a list of at most {MAX_SHOWN} song names, got {value!r:.60}")
    return [" ".join(v.split())[:2 * MAX_ITEM_CHARS] for v in value]


def _items(value: Any, key: str, turn: int) -> list[StateItem]:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise StateError(
            f"state.{key} must be a list of at most {MAX_ITEMS} items, got {type(value).__name__}"
        )
    out: list[StateItem] = []
    for row in value:
        text, at = (row.get("text"), row.get("turn", turn)) if isinstance(row, dict) else (row, turn)
        if not isinstance(text, str) or not isinstance(at, int):
            raise StateError(f"state.{key} items must be {{text: str, turn: int}}, got {row!r:.60}")
        clean = " ".join(re.sub(r"[,;]", " ", text).split())[:MAX_ITEM_CHARS]
        if clean and clean.lower() not in (i.text.lower() for i in out):
            out.append(StateItem(clean, max(0, min(at, turn))))
    return out


def first_turn(text: str, turns: Sequence[str], default: int) -> int:
    """The first user turn (1-based) whose words include those of ``text``; ``default`` if none.

    Example:
        >>> first_turn("steel drums", ["tropical", "with steel drums please"], 3)
        2
    """
    words = set(re.findall(r"\w+", text.lower()))
    for index, turn in enumerate(turns, 1):
        if words and words <= set(re.findall(r"\w+", turn.lower())):
            return index
    return default


def build_state(
    wanted: Sequence[str], rejected: Sequence[str], like: Sequence[str], excluded: Sequence[str],
    turns: Sequence[str], previous: DialogState | None = None,
) -> DialogState:
    """A state from this turn's condensed terms; turns come from ``previous`` or the dialog's text."""
    now = len(turns) + (previous.turn if previous else 0)
    known = {i.text.lower(): i.turn for part in _parts(previous) for i in part}

    def items(texts: Sequence[str]) -> list[StateItem]:
        out: list[StateItem] = []
        for text in dict.fromkeys(t for t in texts if t.strip()):
            at = known.get(text.lower()) or (first_turn(text, turns, len(turns)) + (now - len(turns)))
            out.append(StateItem(text, at))
        return out[:MAX_ITEMS]

    return DialogState(items(wanted), items(rejected), items(like), items(excluded), now)


def _parts(state: DialogState | None) -> list[list[StateItem]]:
    if state is None:
        return []
    return [state.wanted, state.rejected, state.like, state.excluded_artists]


def state_from_turn(
    condensed: Any, references: Sequence[Any], seeds: Sequence[str], said: Sequence[str],
    previous: DialogState | None = None,
) -> DialogState:
    """The state after a turn: the condensed request's phrases and includes (not the reference seeds,
    which the listener did not say), its avoid list, and the found references."""
    seeded = {s.lower() for s in seeds}
    phrases = [p.strip() for p in str(condensed.request).split(",") if p.strip()]
    wanted = [t for t in dict.fromkeys([*phrases, *condensed.include]) if t.lower() not in seeded]
    like = [f"{r.title} by {r.artist}" if r.title else str(r.artist)
            for r in references if r.found and not r.exclude]
    excluded = [str(r.artist) for r in references if r.found and r.exclude]
    return build_state(wanted, list(condensed.avoid), like, excluded, said, previous)
