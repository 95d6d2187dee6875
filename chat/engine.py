"""One chat turn without any UI: clean the message, condense the dialog, search, render; time each step.

``ChatEngine.respond(message, history)`` never raises for bad input: empty messages, huge messages,
odd unicode and prompt injections all give a friendly reply and a valid (possibly empty) result, and a
failing condenser or search becomes a message. It keeps no state between calls (the history is passed
in), so sessions cannot see each other. Out of scope: Gradio (``chat.app``), choosing backends.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from chat.condenser import (
    INJECTION_ONLY,
    CondensedRequest,
    Condenser,
    EmptyDialogError,
    clean_text,
    content_text,
    looks_like_injection,
    normalise_messages,
    truncate,
    user_turns,
)
from chat.dialog_state import MAX_SHOWN, DialogState, StateError, state_from_turn
from chat.limits import Limits
from chat.ordinals import resolve_ordinals, shown_in_reply
from chat.reference_step import ReferenceOutcome, drop_artists, reference_dicts, seed, take_references
from chat.references import ReferenceResolver
from chat.render import reply_markdown
from chat.spelling import SpellFixer, fix_dialog
from retrieval.errors import CratediggerError
from retrieval.results import SearchResult

logger = logging.getLogger(__name__)

EMPTY_REPLY = "Tell me what kind of music you would like, e.g. *upbeat tropical songs with steel drums*."
ERROR_REPLY = "Sorry, something went wrong on my side while answering that. Please try again."


class SearcherLike(Protocol):
    def search(
        self, query: str, k: int = 10, include: tuple[str, ...] = (), avoid: tuple[str, ...] = ()
    ) -> SearchResult: ...


@dataclass
class EngineConfig:
    """Args: k: songs per reply. limits: message and history bounds (``chat.limits.Limits``).
    weak_match: when no returned song has a descriptor this similar to the request (cosine, shipped
    model; "xyzzy" scores 0.38, "piano" 0.74), the reply says that nothing in the catalog matched."""

    k: int = 5
    limits: Limits = field(default_factory=Limits)
    weak_match: float = 0.45  # below this best descriptor similarity, the reply says nothing matched


@dataclass
class TurnResult:
    """Everything one turn produced; ``to_dict`` is the API's structured output."""

    reply: str
    condensed: CondensedRequest | None = None
    result: SearchResult | None = None
    notices: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    ok: bool = True
    references: list[dict[str, Any]] = field(default_factory=list)
    state: DialogState | None = None

    def to_dict(self) -> dict[str, Any]:
        result = (
            self.result.to_dict() if self.result else {"query": "", "notices": [], "sets": [], "songs": []}
        )
        return {
            "ok": self.ok,
            "request": self.condensed.to_dict() if self.condensed else None,
            "notices": list(self.notices),
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            **{key: result[key] for key in ("sets", "songs")},
            "search_notices": result["notices"],
            "references": list(self.references),
            "state": self.state.to_dict() if self.state else None,
        }


class ChatEngine:
    """Condense + search + render for one turn.

    Args:
        searcher: anything with ``search(query, k, include, avoid) -> SearchResult``.
        condenser: a ``Condenser`` (usually a ``FallbackCondenser``).
        config: reply size and message limits.

    Example:
        >>> from chat.rules_condenser import RulesCondenser  # doctest: +SKIP
        >>> engine = ChatEngine(Searcher.load(index_dir), RulesCondenser())  # doctest: +SKIP
        >>> engine.respond("calm piano, no vocals", []).condensed.avoid  # doctest: +SKIP
        ('vocals',)
    """

    def __init__(
        self, searcher: SearcherLike, condenser: Condenser, config: EngineConfig | None = None
    ) -> None:
        self.searcher = searcher
        self.condenser = condenser
        self.config = config or EngineConfig()
        self._references: ReferenceResolver | None = None
        self._speller: SpellFixer | None = None

    def warm_up(self) -> float:
        """Run one search so the sentence model is loaded before the first listener arrives; returns ms."""
        started = time.perf_counter()
        self.searcher.search("upbeat music", k=1)
        return _ms(started)

    def clean_message(self, message: Any) -> tuple[str, list[str]]:
        """Text of a user message (string or Gradio blocks), cleaned and truncated; with notices."""
        text = clean_text(content_text(message))
        text, notice = truncate(text, self.config.limits.max_message_chars)
        return text, [notice] if notice else []

    def bound_history(self, history: list[Any] | None) -> tuple[list[dict[str, str]], list[str]]:
        """The latest messages of ``history`` within the limits (newest kept), with a notice if cut."""
        limits = self.config.limits
        latest = list(history or [])[-limits.max_history_turns :] if limits.max_history_turns > 0 else []
        clean = normalise_messages(latest)  # sliced first: a huge history costs nothing to parse
        kept: list[dict[str, str]] = []
        size = 0
        for message in reversed(clean):
            size += len(message["content"])
            if size > limits.max_history_chars:
                break
            kept.append(message)
        kept.reverse()
        total = len(history or [])
        if total > len(latest) or len(kept) < len(clean):  # sliced off, or over the character budget
            return kept, [f"I read the latest {len(kept)} of the {total} earlier messages."]
        return kept, []

    def respond(self, message: Any, history: list[Any] | None, state: Any = None) -> TurnResult:
        """Answer ``message`` given the earlier ``history`` (OpenAI/Gradio messages), or given the
        ``state`` a previous turn returned (``TurnResult.state``, or its dict), which then replaces the
        history as what the dialog said so far."""
        started = time.perf_counter()
        if message is not None and not isinstance(message, str | list | dict):
            reply = f"I can only read text messages, got {type(message).__name__}. {EMPTY_REPLY}"
            return TurnResult(reply, notices=[f"message of type {type(message).__name__}"], ok=False)
        text, notices = self.clean_message(message)
        if not text:
            return TurnResult(EMPTY_REPLY, notices=["empty message"], ok=False)
        try:
            previous = _read_state(state)
        except StateError as exc:
            reply = f"I could not read the dialog state you sent: {exc}"
            return TurnResult(reply, notices=[str(exc)], ok=False)
        past, cut = self._so_far(previous, history)
        text, positions = resolve_ordinals(text, previous.shown if previous else _last_shown(past))
        notices += cut + positions
        said = [text] if previous is not None else [*user_turns(past), text]
        if looks_like_injection(text):
            notices.append(INJECTION_ONLY)
        refs, dialog = self._take_references([*past, {"role": "user", "content": text}])
        notices += refs.notices if refs else []
        dialog, spelled = fix_dialog(self._spell_fixer(), dialog)
        notices += spelled
        condensed, failed = self._condense(dialog, refs, notices)
        if condensed is None:
            return failed
        timings = {"condense": _ms(started)}
        notices += [n for n in condensed.notices if n not in notices]
        new_state = state_from_turn(
            condensed, refs.references if refs else [], refs.seeds if refs else [], said, previous
        )
        turn = self._search_and_render(condensed, refs, notices, timings)
        if turn.result is not None:
            new_state.shown = [f"{s.song.title} by {s.song.artist}" if s.song.artist else s.song.title
                               for s in turn.result.songs[: self.config.k]][:MAX_SHOWN]
            turn.state = new_state
        timings["total"] = _ms(started)
        return turn

    def _so_far(self, previous: DialogState | None, history: Any) -> tuple[list[dict[str, str]], list[str]]:
        """What the dialog said before this turn: the state as one message, or the bounded history."""
        if previous is not None:
            said_so_far = previous.as_message()
            return ([{"role": "user", "content": said_so_far}] if said_so_far else []), []
        return self.bound_history(history if isinstance(history, list) else [])

    def _search_and_render(self, condensed: CondensedRequest, refs: ReferenceOutcome | None,
                           notices: list[str], timings: dict[str, float]) -> TurnResult:
        """Search for ``condensed`` and write the reply; search errors become messages."""
        t0 = time.perf_counter()
        left_out = refs.left_out_artists if refs else []
        encode_ms: list[float] = []
        try:
            result = self._search(condensed, left_out, notices, encode_ms)
        except CratediggerError as exc:
            return TurnResult(f"I could not search for that: {exc}", condensed, notices=notices, ok=False)
        except Exception:  # noqa: BLE001
            logger.exception("search failed for %r", condensed.request)
            return TurnResult(ERROR_REPLY, condensed, notices=notices, ok=False)
        timings["search"] = _ms(t0)
        if encode_ms:  # the searcher reports its own encode time (a stand-in searcher may not)
            timings["encode"] = sum(encode_ms)
            timings["search"] -= timings["encode"]
        if result.songs and _best_match(result) < self.config.weak_match:
            notices.append(
                f"Nothing in this catalog clearly matches “{condensed.request}”; these are the "
                "closest songs. Try a genre, a mood, an instrument or a tempo."
            )
        t0 = time.perf_counter()
        reply = reply_markdown(result, condensed, notices, k=self.config.k)
        timings["render"] = _ms(t0)
        return TurnResult(reply, condensed, result, notices, timings, references=reference_dicts(refs))

    def _search(self, condensed: CondensedRequest, left_out: list[str], notices: list[str],
                encode_ms: list[float]) -> SearchResult:
        """Search, leave out artists; if avoiding left nothing, relax the avoid list and say so.

        Each search's own ``encode`` timing is appended to ``encode_ms``.
        """
        k = self.config.k + self._songs_by(left_out)
        req, include = condensed.request, condensed.include
        found = self.searcher.search(req, k=k, include=include, avoid=condensed.avoid)
        encode_ms.extend(_encode_ms(found))
        result = drop_artists(found, left_out, self.config.k)
        if result.songs or not condensed.avoid:
            return result
        notices.append(
            f"Every song that matched carries something you wanted to avoid ({', '.join(condensed.avoid)}), "
            "so these are the closest ones anyway."
        )
        found = self.searcher.search(req, k=k, include=include)
        encode_ms.extend(_encode_ms(found))
        return drop_artists(found, left_out, self.config.k)

    def _resolver(self) -> ReferenceResolver | None:
        catalog = getattr(self.searcher, "catalog", None)
        if self._references is None and catalog is not None and getattr(catalog, "songs", None):
            self._references = ReferenceResolver(catalog.songs)
        return self._references

    def _take_references(
        self, dialog: list[dict[str, str]]
    ) -> tuple[ReferenceOutcome | None, list[dict[str, str]]]:
        resolver = self._resolver()
        if resolver is None:
            return None, dialog
        return take_references(resolver, dialog)

    def _spell_fixer(self) -> SpellFixer | None:
        catalog = getattr(self.searcher, "catalog", None)
        if self._speller is None and catalog is not None and getattr(catalog, "songs", None):
            self._speller = SpellFixer(d for song in catalog.songs for d in song.descriptors)
        return self._speller

    def _songs_by(self, artists: list[str]) -> int:
        resolver = self._resolver()
        if resolver is None or not artists:
            return 0
        return min(resolver.song_count(artists), 100)

    def _condense(
        self, dialog: list[dict[str, str]], refs: ReferenceOutcome | None, notices: list[str]
    ) -> tuple[CondensedRequest | None, TurnResult]:
        """The condensed (and reference-seeded) request, or None and the reply that says why not."""
        condensed: CondensedRequest | None = None
        reason = "no music request found"
        try:
            if any(m["role"] == "user" for m in dialog):
                condensed = self.condenser.condense(dialog).expanded()
        except EmptyDialogError as exc:
            reason = str(exc)
        except Exception:  # noqa: BLE001 - the edge: log it, answer kindly
            logger.exception("condensing failed")
            return None, TurnResult(ERROR_REPLY, notices=notices, ok=False)
        if refs is not None:
            condensed = seed(condensed, refs)
        if condensed is not None:
            return condensed, TurnResult("")
        if refs is not None and refs.unknown:
            return None, TurnResult(" ".join(refs.notices), notices=notices, ok=False,
                                    references=reference_dicts(refs))
        reply = f"{INJECTION_ONLY} {EMPTY_REPLY}" if reason == INJECTION_ONLY else EMPTY_REPLY
        return None, TurnResult(reply, notices=notices, ok=False)


def _last_shown(past: list[dict[str, str]]) -> list[str]:
    """The songs of the latest assistant message of a history ("the third one" points into them)."""
    for message in reversed(past):
        if message.get("role") == "assistant":
            return shown_in_reply(str(message.get("content", "")))
    return []


def _read_state(state: Any) -> DialogState | None:
    if state is None or isinstance(state, DialogState):
        return state
    return DialogState.from_dict(state)


def _encode_ms(result: SearchResult) -> list[float]:
    timings = getattr(result, "timings_ms", None) or {}
    return [float(timings["encode"])] if "encode" in timings else []


def _best_match(result: SearchResult) -> float:
    return max((m.score for hit in result.songs for m in hit.matches), default=0.0)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
