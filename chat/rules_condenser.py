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
from dataclasses import dataclass, field

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


def _words(text: str) -> set[str]:
    return set(text.split())


def descriptor(text: str) -> str:
    """A cleaned phrase mapped to its descriptor ("slower" -> "slow tempo", "singing" -> "vocals").

    Example:
        >>> descriptor("even slower than that please")
        'slow tempo'
    """
    phrase = " ".join(V.FILLER.sub(" ", V.REQUEST_VERB.sub(" ", text.strip())).split()).strip(" -'\"")
    if not any(ch.isalnum() for ch in phrase):
        return ""
    if phrase in V.COMPARATIVES:
        return V.COMPARATIVES[phrase]
    return V.SYNONYMS.get(phrase, phrase)


def _split_terms(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|/|&|\bor\b|\band\b|\bnor\b)\s*", text)
    return [d for d in (descriptor(p) for p in parts) if d]


@dataclass
class _State:
    topic: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    avoid: list[str] = field(default_factory=list)

    def clear(self) -> None:
        self.topic, self.include, self.avoid = [], [], []

    def terms(self) -> list[str]:
        return [*self.topic, *self.include]

    def _strip_topic(self, term: str) -> None:
        pattern = re.compile(rf"\b{re.escape(term)}\b")
        self.topic = [t for t in (" ".join(pattern.sub(" ", p).split()) for p in self.topic) if t]

    def remove(self, term: str) -> None:
        self.include = [t for t in self.include if t != term and not _words(term) >= _words(t)]
        self._strip_topic(term)

    def add_include(self, term: str) -> None:
        if not term:
            return
        # "no vocals" + "with female vocals": the narrower wish wins; "no rap vocals" + "singing" keeps both
        self.avoid = [a for a in self.avoid if not _words(a) <= _words(term)]
        for opposite in V.OPPOSITES.get(term, ()):
            self.remove(opposite)
        if term not in self.include:
            self.include.append(term)

    def add_avoid(self, term: str) -> None:
        if not term:
            return
        self.remove(term)
        if term not in self.avoid:
            self.avoid.append(term)


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\b(?:anything|everything|all) but\b", "anything except", text)
    text = re.sub(r"\b(noth|someth|anyth|scream|sing)in\b", r"\1ing", text)
    text = re.sub(r"\u6b4c\u306a\u3057", " no vocals ", text)  # Japanese "without singing"
    for emoji, word in V.EMOJI.items():
        text = text.replace(emoji, f" {word} ")
    for compound in V.COMPOUNDS:
        text = text.replace(compound, compound.replace(" ", "_"))
    text = re.sub(r"\bi'?m\b", "i am", text).replace("over the moon", "happy")
    text = re.sub(r"\b(i|you|we|it|that)'(d|ve|ll|s)\b", r"\1", text)
    text = re.sub(r"\bw/o\b", " without ", text)
    text = re.sub(r"\bw/", " with ", text)
    text = re.sub(r"\b([a-z]+)-free\b", r"no \1", text)  # "vocal-free" -> "no vocal"
    # "lennon's stuff is too preachy for me" -> "no preachy"; "horns are out", "rap is a hard no" -> "no rap"
    text = re.sub(
        r"\b(?:(?:is|are|was|feels?|sounds?|gets?) )?(?:(?:way|a bit|a little|kind of|just) )?too "
        r"(?!good|much|many|bad|hard|early|late|long|big|cool)([a-z-]+) for (?:me|my taste|us|our taste)\b",
        r", no \1,", text,
    )
    text = re.sub(
        r"\b([a-z-]{3,}) (?:is|are) (?:a (?:hard |big )?no|out|off the table|a dealbreaker)\b(?! of)",
        r"no \1", text,
    )
    text = re.sub(  # "opera singing is not my thing" -> "no opera singing"
        r"\b((?:[a-z-]+ )?[a-z-]+) (?:is|are) (?:just |really |honestly )?not (?:really )?(?:my|our) "
        r"(?:thing|cup of tea|jam|style|scene)\b", r"no \1", text,
    )
    text = re.sub(r"\b(?:(?:instrumentals?|no vocals) only|(?:only|strictly|purely) instrumentals?)\b",
                  "instrumental, no vocals", text)
    text = re.sub(  # "leave the drums out", "keep horns out of it" -> "no drums"
        r"\b(?:leave|keep)\s+(?:the\s+|any\s+|all\s+)?([a-z_' -]+?)\s+out\b(?:\s+of\s+(?:it|this|there))?",
        r"no \1", text,
    )
    return " ".join(text.split())


def _is_new_topic(text: str) -> bool:
    """A later turn replaces the request only when it says so ("now some metal", "switch to jazz",
    "jazz instead", "play me some blues" with nothing that refines); otherwise it refines (issue 11:
    follow-ups such as "nordic jazz, upright bass" used to replace the request instead of adding to it)."""
    if re.search(r"\binstead\b(?! of)", text) and not any(p.search(text) for p in V.REPLACEMENTS):
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


def _apply_replacements(state: _State, text: str) -> str:
    for index, pattern in enumerate(V.REPLACEMENTS):
        while match := pattern.search(text):
            found = match.groupdict()
            old, new = descriptor(found.get("x") or found.get("x2") or ""), descriptor(match["y"])
            if index == len(V.REPLACEMENTS) - 1:
                state.remove(old)  # "less X, more Y" lowers X without banning it
            else:
                state.add_avoid(old)
            state.add_include(new)
            text = text[: match.start()] + " , " + text[match.end() :]
    return text


def _negated_terms(text: str) -> list[str]:
    """The terms of a negation's object: "synths in it" -> ["synth"], "sax or trumpet" -> both."""
    text = re.sub(r"[^\w)]+$", "", text.strip())  # trailing emoji and punctuation ("no sad rap pls 😤")
    return _split_terms(V.TRAILING.sub("", text))


def _apply_clause(state: _State, clause: str, topic_mode: bool, after_negation: bool) -> bool:
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
    term = descriptor(clause)
    if not term:
        return after_negation
    if after_negation and len(term.split()) <= 3:
        state.add_avoid(term)
        return True
    if topic_mode:  # "upbeat tropical songs with steel drums" -> "upbeat tropical", "steel drums"
        state.topic.extend(t for t in (descriptor(p) for p in re.split(r"\bwith\b", clause)) if t)
    else:
        state.add_include(term)
    return False


def _apply_turn(state: _State, text: str, first: bool) -> list[str]:
    """Update ``state`` with one user turn; returns notices."""
    notices: list[str] = []
    if looks_like_injection(text):
        text = strip_injection(text)
        notices.append(INJECTION_ONLY)
        if not text.strip():
            return notices
    text = _normalise(text)
    if reset := V.RESET.search(text):
        previous = state.terms()
        state.clear()
        text, first = text[: reset.start()] + " , " + text[reset.end() :], True
        notices.append("Starting over with something different.")
    elif not first and _is_new_topic(text) and not _swaps_one_of_a_kind(state, text):
        state.clear()
        first = True
    before = state.terms()
    text = _apply_replacements(state, text)
    after_negation, parts = False, V.CLAUSE_SPLIT.split(text)
    for index in range(0, len(parts), 2):
        joined_by = parts[index - 1].strip() if index else ","
        inherit = after_negation and joined_by in ("or", "nor", "/")
        after_negation = _apply_clause(state, parts[index], first, inherit)
    if reset and not state.terms():
        _go_elsewhere(state, previous)
    if not first:
        _settle_exclusive(state, before)
    return notices


def _swaps_one_of_a_kind(state: _State, text: str) -> bool:
    """"make it a man instead" after "a woman singing" swaps the singer; it is not a new topic."""
    return any(p.search(text) and o.search(t) for p, o, _ in V.EXCLUSIVE for t in state.terms())


def _settle_exclusive(state: _State, before: list[str]) -> None:
    """One of a kind: a later turn's singer, guitar or decade replaces an earlier one ("romantic soul with
    a woman singing" + "make it a man instead" -> avoid "female vocals"). Decades are replaced, not banned."""
    new = [t for t in state.terms() if t not in before]
    for pattern, other, banned in V.EXCLUSIVE:
        if not any(pattern.search(t) for t in new):
            continue
        if not any(other.search(t) for t in state.terms() if t not in new):
            continue
        keep = set(new)
        state.include = [_cut(other, t) if t not in keep else t for t in state.include]
        state.topic = [_cut(other, t) if t not in keep else t for t in state.topic]
        state.include, state.topic = [t for t in state.include if t], [t for t in state.topic if t]
        if banned:
            state.add_avoid(banned)


def _cut(pattern: re.Pattern[str], term: str) -> str:
    """``term`` without what ``pattern`` matches and the vocal words that went with it."""
    if not pattern.search(term):
        return term
    rest = re.sub(r"\b(?:with|a|an|the|singing|singer|vocals?|voice|vocalist)\b", " ", pattern.sub(" ", term))
    return " ".join(rest.split())


def _go_elsewhere(state: _State, previous: list[str]) -> None:
    """ "Something completely different" with nothing else said: avoid the old topic, flip its moods."""
    for term in previous:
        state.add_avoid(term)
    words = [V.SYNONYMS.get(w, w) for term in previous for w in (term, *term.split())]
    flipped = [V.ANTONYM[w] for w in words if w in V.ANTONYM]
    for term in dict.fromkeys(flipped):
        state.add_include(term)


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

    def condense(self, messages: list[dict]) -> CondensedRequest:
        turns = user_turns(normalise_messages(messages))
        if not turns:
            raise EmptyDialogError("expected at least one user message with text, got none")
        state, notices = _State(), []
        for index, turn in enumerate(turns):
            notes = _apply_turn(state, turn, first=index == 0 or not state.terms())
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
