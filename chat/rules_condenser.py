"""Deterministic dialog condensing: the backend that works with no model at all.

Replays the listener's turns over a small state (topic phrases, include, avoid): negations ("no vocals",
"without piano"), replacements ("instead of piano, guitar"), intensifiers ("more upbeat", "slower than
that"), resets ("something completely different") and new topics (a fresh request such as "play me some
jazz"). Out of scope: understanding anything beyond these patterns or other languages (passed through as
text); the word lists live in ``rules_vocab``.
"""

from __future__ import annotations

import logging
import re

from chat import rules_vocab as V
from chat.condenser import (
    INJECTION_ONLY,
    MAX_REQUEST_CHARS,
    MAX_TERMS,
    CondensedRequest,
    Condenser,
    EmptyDialogError,
    looks_like_injection,
    normalise_messages,
    strip_injection,
    user_turns,
)
from chat.rules_state import (
    RuleState,
    descriptor,
    go_elsewhere,
    normalise,
    settle_exclusive,
    split_terms,
    swaps_one_of_a_kind,
)
from chat.rules_swaps import ROLE_SWAP, SWAPS
from chat.span_tagger import SpanTagger, extra_rejections

logger = logging.getLogger(__name__)

_LEAD = re.compile(
    r"^(?:(?:something|anything|make it|make them|can you make it|could you make it|go|let'?s go|i want|"
    r"i'd like|give me|play|please|a bit|a little|bit|slightly|much|way|even|but|and|also|just|now|"
    r"ok(?:ay)?|maybe|with|some|hmm+|actually|"
    r"(?:could|can|would|should) (?:it|they|you) (?:be|get|make it))\s+)*"
)
_CUE = re.compile(
    r"\b(?:no|not|without|more|less|instead of|replace|swap|avoid|skip|don'?t|minus|add|also|too|as well|"
    r"in there|bonus|extra|should|needs?|must|thinking|include|throw in|toss in|plus|with|rather|drop|"
    r"scratch|leave out|ditch|lose|in place of|where|rather than|over|into|better than)\b|"
    + V.NEG_CUE.pattern
)


def _is_new_topic(text: str) -> bool:
    """A later turn replaces the request only when it says so ("now some metal", "switch to jazz",
    "jazz instead", "play me some blues" with nothing that refines); otherwise it refines (issue 11:
    follow-ups such as "nordic jazz, upright bass" used to replace the request instead of adding to it)."""
    if (
        re.search(r"\binstead\b(?! of)", text)
        and not any(s.pattern.search(text) for s in SWAPS)
        and not V.REFINE_START.match(_LEAD.sub("", text))
    ):
        return True
    if V.TOPIC_SWITCH.match(text):
        return True
    verb = V.REQUEST_VERB.match(text)
    if verb:
        rest = _LEAD.sub("", text[verb.end() :].strip())
        return not (V.REFINE_START.match(rest) or _CUE.search(rest) or _has_comparative(rest))
    return False


def _has_comparative(text: str) -> bool:
    return any(w in V.COMPARATIVES for w in re.findall(r"[a-z']+", text))


def _known(state: RuleState, term: str) -> bool:
    """Is ``term`` (or a word of it) among the wishes so far?"""
    words = set(term.split())
    return bool(words) and any(words & set(t.split()) for t in state.terms())


def _apply_replacements(state: RuleState, text: str) -> str:
    for swap in SWAPS:
        start = 0
        while match := swap.pattern.search(text, start):
            found = match.groupdict()
            old = descriptor(V.TRAILING.sub("", found.get("x") or found.get("x2") or ""))
            new = descriptor(match["y"])
            if swap.known_only and not _known(state, old):
                start = match.end()  # "strings over a breakbeat": layering, not a swap
                continue
            if swap.lowers and not _known(state, old):
                state.remove(old)  # "less X, more Y" lowers X; it bans X only when X was asked for
            else:
                state.add_avoid(old)
            state.add_include(new)
            text = text[: match.start()] + " , " + text[match.end() :]
    return text


def _role_swapped(state: RuleState, text: str) -> bool:
    match = ROLE_SWAP.search(text)
    return match is not None and any(match["role"] in t.split() for t in state.terms())


def _apply_role_swap(state: RuleState, text: str) -> str:
    """"make the lead a melodica instead" after "a saxophone lead": ban the saxophone, add the melodica."""
    match = ROLE_SWAP.search(text)
    if not match:
        return text
    role = match["role"]
    if role in state.terms():  # "make the organ a melodica": the role is the instrument itself
        state.add_avoid(role)
        state.add_include(descriptor(match["y"]))
        return text[: match.start()] + " , " + text[match.end() :]
    owners = [t for t in state.terms() if role in t.split()]
    if not owners:
        return text
    for term in owners:
        state.remove(term)
        state.add_avoid(" ".join(w for w in term.split() if w != role))
    state.add_include(descriptor(f"{match['y']} {role}"))
    return text[: match.start()] + " , " + text[match.end() :]


def _negated_terms(text: str) -> list[str]:
    """The terms of a negation's object: "synths in it" -> ["synth"], "sax or trumpet" -> both,
    "slow ballads" -> ["slow tempo", "ballad"], "lyrics because they sing along" -> ["vocals"]."""
    text = V.SUBORDINATE.sub("", text.strip())
    text = re.sub(r"[^\w)]+$", "", text)  # trailing emoji and punctuation ("no sad rap pls 😤")
    terms = []
    for term in split_terms(V.TRAILING.sub("", text)):
        if term in V.GENRE_ADJECTIVES:  # "nothing too bluesy": the catalog may say "bluesy" or "blues"
            terms.append(V.GENRE_ADJECTIVES[term])
        if tempo := re.match(r"(slow|fast) (?!tempo\b)(.+)$", term):  # "no slow sad rap"
            terms += [f"{tempo[1]} tempo", descriptor(tempo[2])]
        else:
            terms.append(term)
    return [t for t in terms if t]


def _apply_clause(state: RuleState, clause: str, topic_mode: bool, after_negation: bool) -> bool:
    """Apply one clause; returns whether it was a negation (a bare term after "or"/"nor" inherits it)."""
    clause = clause.strip()
    cue = V.NEG_CUE.search(clause)
    if cue and cue.start() > 0 and not V.NEGATION.match(clause):  # "calm music that isnt jazz"
        _apply_clause(state, clause[: cue.start()], topic_mode, False)
        return _apply_clause(state, clause[cue.start() :], topic_mode, False)
    clause = _LEAD.sub("", clause) if not V.NEGATION.match(clause) else clause
    if not clause:
        return after_negation
    if neg := V.NEGATION.match(clause):
        for term in _negated_terms(neg["x"]):
            state.add_avoid(term)
        return True
    if less := V.LESS.match(clause):
        term = descriptor(less["x"])
        state.remove(term)
        state.add_include(V.ANTONYM.get(term, ""))
        return False
    if more := V.MORE.match(clause):
        state.add_include(descriptor(more["x"]))
        return False
    comparatives = [V.COMPARATIVES[w] for w in re.findall(r"[a-z']+", clause) if w in V.COMPARATIVES]
    if comparatives:
        for term in comparatives:
            state.add_include(term)
        return False
    inherited = _negated_terms(clause) if after_negation else []
    if inherited and all(len(t.split()) <= 3 for t in inherited):
        for term in inherited:  # "nothing with X or super loud beats because ..." bans both
            state.add_avoid(term)
        return True
    term = descriptor(clause)
    if not term:
        return after_negation
    if topic_mode:  # "upbeat tropical songs with steel drums" -> "upbeat tropical", "steel drums"
        state.topic.extend(t for t in (descriptor(p) for p in re.split(r"\bwith\b", clause)) if t)
    else:
        state.add_include(term)
    return False


def _apply_turn(state: RuleState, text: str, first: bool) -> list[str]:
    """Update ``state`` with one user turn; returns notices."""
    notices: list[str] = []
    if looks_like_injection(text):
        text = strip_injection(text)
        notices.append(INJECTION_ONLY)
        if not text.strip():
            return notices
    text = normalise(text)
    if reset := V.RESET.search(text):
        previous = state.terms()
        state.clear()
        text, first = text[: reset.start()] + " , " + text[reset.end() :], True
        notices.append("Starting over with something different.")
    elif (
        not first
        and _is_new_topic(text)
        and not swaps_one_of_a_kind(state, text)
        and not _role_swapped(state, text)
    ):
        state.clear()
        first = True
    before = state.terms()
    text = _apply_replacements(state, _apply_role_swap(state, text))
    after_negation, parts = False, V.CLAUSE_SPLIT.split(text)
    for index in range(0, len(parts), 2):
        joined_by = parts[index - 1].strip() if index else ","
        inherit = after_negation and joined_by in ("or", "nor", "/")
        after_negation = _apply_clause(state, parts[index], first, inherit)
    if reset and not state.terms():
        go_elsewhere(state, previous)
    if not first:
        settle_exclusive(state, before, relative=_has_comparative(text))
    return notices


class RulesCondenser(Condenser):
    """Condense a dialog with fixed rules; never needs a model, never fails on text.

    Example:
        >>> c = RulesCondenser()
        >>> r = c.condense([{"role": "user", "content": "sad piano songs"},
        ...                 {"role": "user", "content": "instead of piano, guitar"}])
        >>> (r.request, r.include, r.avoid)
        ('sad, guitar', ('guitar',), ('piano',))
    """

    name = "rules"

    def __init__(self, tagger: SpanTagger | None = None) -> None:
        self.tagger = tagger  # a trained span tagger adds the rejections the rules missed

    def condense(self, messages: list[dict]) -> CondensedRequest:
        turns = user_turns(normalise_messages(messages))
        if not turns:
            raise EmptyDialogError("expected at least one user message with text, got none")
        state, notices = RuleState(), []
        for index, turn in enumerate(turns):
            notes = _apply_turn(state, turn, first=index == 0 or not state.terms())
            if self.tagger is not None:
                for term in extra_rejections(self.tagger.tag(turn), state.avoid, state.terms(), descriptor):
                    state.add_avoid(term)
            if index == len(turns) - 1:
                notices = notes
        parts = list(state.topic)
        parts += [t for t in state.include if not any(re.search(rf"\b{re.escape(t)}\b", p) for p in parts)]
        request = ", ".join(p.replace("_", " ") for p in parts)[:MAX_REQUEST_CHARS]
        if not request and not state.avoid:
            raise EmptyDialogError(
                INJECTION_ONLY if notices == [INJECTION_ONLY] else "no music request found"
            )
        request = request or "music"
        clean = [t.replace("_", " ") for t in state.include]
        avoid = [t.replace("_", " ") for t in state.avoid]
        return CondensedRequest.from_obj(
            {"request": request, "include": clean[-MAX_TERMS:], "avoid": avoid[-MAX_TERMS:]},
            backend=self.name,
        ).with_notices(notices)
