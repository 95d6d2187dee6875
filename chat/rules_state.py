"""The state the rules replay turns over, and the text clean-up before they read a turn.

``RuleState`` holds topic phrases, include and avoid terms; ``normalise`` folds a turn's wording
("leave the drums out" -> "no drums", "too cheesy for me" -> "no cheesy"); ``settle_exclusive`` lets a
later singer, guitar type or decade replace an earlier one; ``go_elsewhere`` handles "something
completely different". Out of scope: the clause parsing (``chat.rules_condenser``) and the word lists
(``chat.rules_vocab``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chat import rules_vocab as V
from chat.rules_foreign import translate
from chat.rules_phrases import rewrite
from chat.rules_swaps import EXCLUSIVE


def _words(text: str) -> set[str]:
    return set(text.split())


def descriptor(text: str) -> str:
    """A cleaned phrase mapped to its descriptor ("slower" -> "slow tempo", "singing" -> "vocals").

    Example:
        >>> descriptor("even slower than that please")
        'slow tempo'
    """
    phrase = " ".join(V.FILLER.sub(" ", V.REQUEST_VERB.sub(" ", text.strip())).split()).strip(" -'\"")
    phrase = V.HYPHEN_SUFFIX.sub(r"\1", phrase)
    if not any(ch.isalnum() for ch in phrase):
        return ""
    if phrase in ("no", "not", "yes", "nope", "sure"):
        return ""
    if phrase in V.COMPARATIVES:
        return V.COMPARATIVES[phrase]
    return V.SYNONYMS.get(phrase, phrase)


def split_terms(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|/|&|\bor\b|\band\b|\bnor\b)\s*", text)
    return [d for d in (descriptor(p) for p in parts) if d]


@dataclass
class RuleState:
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
        # a wish that names the banned thing goes too ("no piano" drops "piano melody")
        self.include = [t for t in self.include if not _words(term) <= _words(t)]
        if term not in self.avoid:
            self.avoid.append(term)


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("‘", "'")
    text = re.sub(r"\b(?:anything|everything|all) but\b", "anything except", text)
    text = re.sub(r"\b(noth|someth|anyth|scream|sing)in\b", r"\1ing", text)
    text = translate(text)
    for emoji, word in V.EMOJI.items():
        text = text.replace(emoji, f" {word} ")
    for compound in V.COMPOUNDS:  # whole words: "guitar and bongos" holds "r and b"
        text = re.sub(rf"\b{re.escape(compound)}\b", compound.replace(" ", "_"), text)
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
        r"\b((?:(?!(?:but|and|also|that|this|think|then|just|so)\b)[a-z/-]{3,} )?"
        r"(?!(?:nothing|everything|anything|but|and|that|this)\b)[a-z/-]{3,}) (?:is|are) "
        r"(?:a no-go|a (?:hard |big )?no(?!-)|out|off the table|a dealbreaker|banned|forbidden|not allowed|"
        r"off limits)\b(?! of)",
        r"no \1", text,
    )
    text = re.sub(  # "opera singing is not my thing" -> "no opera singing"
        r"\b((?:[a-z-]+ )?[a-z-]+) (?:is|are) (?:just |really |honestly )?not (?:really )?(?:my|our) "
        r"(?:thing|cup of tea|jam|style|scene)\b", r"no \1", text,
    )
    text = re.sub(r"\b(?:(?:instrumentals?|no vocals) only|(?:only|strictly|purely) instrumentals?)\b",
                  "instrumental, no vocals", text)
    text = re.sub(  # "leave the drums out", "keep horns out of it" -> "no drums"
        r"\b(?:leave|keep)\s+(?:the\s+|any\s+|all\s+)?([a-z_' -]+?)\s+(?:out|away)\b"
        r"(?:\s+(?:of|from)\s+(?:it|this|there|me))?",
        r"no \1", text,
    )
    return " ".join(rewrite(text).split())


def swaps_one_of_a_kind(state: RuleState, text: str) -> bool:
    """"make it a man instead" after "a woman singing" swaps the singer; it is not a new topic."""
    return any(p.search(text) and o.search(t) for p, o, _ in EXCLUSIVE for t in state.terms())


def settle_exclusive(state: RuleState, before: list[str], relative: bool = False) -> None:
    """One of a kind: a later turn's singer, guitar, decade or tempo replaces an earlier one ("romantic
    soul with a woman singing" + "make it a man instead" -> avoid "female vocals"; "80s punk" + "late 70s,
    actually" -> avoid "1980s"). A ``relative`` turn ("slower than that") lowers the old tempo, it does
    not ban it."""
    new = [t for t in state.terms() if t not in before]
    for pattern, other, banned in EXCLUSIVE:
        if relative and banned.endswith(" tempo"):
            continue
        if not any(pattern.search(t) for t in new):
            continue
        named = {m[0] for t in new for m in other.finditer(t)}
        # what the earlier turns said (an opposite may already be gone: "slower" drops "fast")
        old = [m[0] for t in before for m in other.finditer(t) if m[0] not in named]
        if not old:
            continue
        keep = set(new)
        state.include = [_cut(other, t, named) if t not in keep else t for t in state.include]
        state.topic = [_cut(other, t, named) if t not in keep else t for t in state.topic]
        state.include, state.topic = [t for t in state.include if t], [t for t in state.topic if t]
        for term in dict.fromkeys(old) if banned == "=" else [banned] if banned else []:
            state.add_avoid(term)


def _cut(pattern: re.Pattern[str], term: str, keep: set[str] | None = None) -> str:
    """``term`` without what ``pattern`` matches (except the texts in ``keep``) and the vocal words
    that went with it."""
    if not any(m[0] not in (keep or set()) for m in pattern.finditer(term)):
        return term
    cut = pattern.sub(lambda m: m[0] if m[0] in (keep or set()) else " ", term)
    rest = re.sub(r"\b(?:with|a|an|the|singing|singer|vocals?|voice|vocalist)\b", " ", cut)
    return " ".join(rest.split())


def go_elsewhere(state: RuleState, previous: list[str]) -> None:
    """ "Something completely different" with nothing else said: avoid the old topic, flip its moods."""
    for term in previous:
        state.add_avoid(term)
    words = [V.SYNONYMS.get(w, w) for term in previous for w in (term, *term.split())]
    flipped = [V.ANTONYM[w] for w in words if w in V.ANTONYM]
    for term in dict.fromkeys(flipped):
        state.add_include(term)
