"""Swaps: the ways a listener replaces one wish with another, as patterns the rules apply.

``SWAPS`` are phrases that name both sides ("swap the sax for piano", "i'd take an accordion over the
piano", "could a clarinet take the trumpet's place?", "upbeat... no, sultry"); each bans the old side and
adds the new. ``EXCLUSIVE`` lists the things a song has one of (singer gender, acoustic or electric
guitar, decade, tempo): a later turn naming one replaces the earlier one. Out of scope: applying them to
the state (``chat.rules_condenser``, ``chat.rules_state``).

Example:
    >>> [s.name for s in SWAPS if s.pattern.search("could a clarinet take the trumpet's place")]
    ['take-place']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_P = r"(?:(?!\s[-–—]|[–—])[^,.;:!?…])"  # a phrase: anything up to a clause boundary or a dash


@dataclass(frozen=True)
class Swap:
    """One swap phrase. ``known_only``: a swap only when the old side is already wished for (else
    "strings over a breakbeat" would ban the beat); ``lowers``: the old side is dropped but banned
    only when it was wished for ("less heartbroken, more romantic")."""

    name: str
    pattern: re.Pattern[str]
    known_only: bool = False
    lowers: bool = False


SWAPS: tuple[Swap, ...] = (
    Swap("in-place-of", re.compile(
        rf"(?P<y>{_P}{{1,80}}?)\s+(?:in place of\s+(?:the\s+)?(?P<x>{_P}{{1,80}}?)|where\s+(?:the\s+)?"
        rf"(?P<x2>{_P}{{1,80}}?)\s+(?:is|was|were|are|used to be))\s*(?=$|[,.;:!?])"
    )),
    Swap("take-place", re.compile(  # "could a clarinet take the trumpet's place?"
        r"(?:\b(?:could|can|would|let)\s+)?(?:(?:a|an|the|some)\s+)?(?P<y>[a-z_-]+(?: [a-z_-]+)?)\s+"
        r"(?:take|takes|taking|replace|replaces)\s+(?:the\s+|a\s+)?"
        r"(?P<x>[a-z_-]+(?: [a-z_-]+)?)'?s?\s+place\b"
    )),
    Swap("prefer-over", re.compile(  # "i'd take an accordion over the piano"
        rf"\bi (?:would )?(?:take|prefer|pick|choose|rather have|go for|want)\s+(?:a |an |the |some )?"
        rf"(?P<y>{_P}{{1,60}}?)\s+over\s+(?:a |an |the )?(?P<x>{_P}{{1,60}}?)\s*(?=$|[,.;:!?])"
    )),
    Swap("over", re.compile(  # "hmm, cello over violin": a short clause of its own
        r"(?:^|(?<=[,.;!?])\s*)(?!(?:i am|am|game|it is|it's)\b)(?P<y>[a-z]+(?: [a-z]+)?) over "
        r"(?:the\s+|a\s+)?(?P<x>[a-z]+(?: [a-z]+)?)\s*(?=$|[,.;:!?])"
    ), known_only=True),
    Swap("self-correction", re.compile(  # "upbeat... no, sultry", "saxophone... actually flute instead"
        r"(?P<x>[a-z_' -]{2,60}?)\s*(?:\.{2,}|…)\s*(?:no+|nah|actually|or rather|i mean|make that)\b[,!]*\s*"
        rf"(?:(?:make it|more|rather|go|a|an|some)\s+)?(?P<y>{_P}{{1,80}}?)(?:\s+instead)?\s*(?=$|[,.;:!?])"
    )),
    Swap("turn-into", re.compile(rf"\bturn\s+(?:the\s+)?(?P<x>{_P}{{1,80}}?)\s+into\s+(?P<y>{_P}{{1,80}})")),
    # "let's drop the guitar and go with piano instead", "scratch the strings, go brass"
    Swap("drop-go", re.compile(
        r"\b(?:let'?s\s+)?(?:drop|lose|ditch|scratch|scrap|skip|cut|swap out|forget|kill|nix)\s+(?:the\s+)?"
        rf"(?P<x>{_P}{{1,80}}?)\s*(?:,|\band\b|(?<=\s)[\-–—]+|[–—]+)\s*(?:let'?s\s+)?"
        r"(?:go|switch|use|try|make it|do|bring in|add|give me|i want)"
        rf"(?:\s+(?:with|for|to|back to))?\s+(?P<y>{_P}{{1,80}}?)(?:\s+instead)?\s*(?=$|[,.;:!?])"
    )),
    Swap("rather-than", re.compile(rf"(?P<y>{_P}{{1,80}}?)\s+rather than\s+(?P<x>{_P}{{1,80}})")),
    Swap("more-than", re.compile(  # "more regretful than happy"
        r"\bmore\s+(?P<y>[a-z_-]+(?: [a-z_-]+)?)\s+than\s+(?!(?:that|this|before|those|these|it|the last|"
        r"the previous|the other|usual|ever)\b)(?P<x>[a-z_-]+(?: [a-z_-]+)?)\s*(?=$|[,.;:!?])"
    )),
    Swap("not-but", re.compile(  # "not sad - make it hopeful", "not sad but hopeful"
        r"\bnot\s+(?!a (?:big |huge )?fan|really|into|too\b)(?P<x>(?:[^,.;!?\-–—]|\b-\b){1,80}?)"
        r"(?:(?:\s+[\-–—]+|\s*[–—]+)\s*(?:(?:make it|go|more|rather|instead|try|let'?s go|i want)\s+)?"
        r"|\s*,\s*(?:make it|go|more|rather|instead|try|let'?s go|i want)\s+|\s+but\s+(?:more\s+|rather\s+)?)"
        rf"(?P<y>{_P}{{1,80}})"
    )),
    Swap("instead-of-first", re.compile(
        rf"\binstead of (?P<x>{_P}{{1,80}}?)(?:\s*,\s*|\s+(?=(?:use|try|go with|give me|play|let'?s|i want"
        rf"|how about|maybe|with|make it|some|add)\b))(?P<y>{_P}{{1,80}})"
    )),
    Swap("instead-of", re.compile(rf"(?P<y>{_P}{{1,80}}?)\s+instead of\s+(?P<x>{_P}{{1,80}})")),
    Swap("replace-with", re.compile(
        rf"\b(?:replace|swap|switch|change|trade)\s+(?:out\s+)?(?P<x>{_P}{{1,80}}?)(?:\s+out)?\s+(?:with|for|to|into)\s+"
        rf"(?P<y>{_P}{{1,80}})"
    )),
    Swap("less-more", re.compile(
        rf"\b(?:less|fewer)\s+(?P<x>{_P}{{1,80}}?)\s*,?\s+more\s+(?P<y>{_P}{{1,80}})"
    ), lowers=True),
)

# "make the lead a melodica instead": the role ("lead") names which earlier wish is swapped
ROLE_SWAP = re.compile(
    r"\bmake\s+(?:the|that|this)\s+(?P<role>[a-z]+)\s+(?:a |an |some )?(?P<y>[^,.;!?…]{1,60}?)"
    r"(?:\s+instead)?\s*(?=$|[,.;:!?])"
)

_FEMALE = re.compile(r"\b(?:female|woman|women|woman's|girl|girls|lady|ladies|she)\b")
_MALE = re.compile(r"\b(?:male|man|men|man's|guy|guys|dude|boy|boys|he)\b")
_DECADE = re.compile(r"\b(?:(?:1[5-9]|20)\d0s|\d0s|sixties|seventies|eighties|nineties)\b")
_SLOW = re.compile(r"\b(?:slow(?:er)?(?: tempo)?|downbeat|downtempo)\b(?! build)")
_FAST = re.compile(r"\b(?:fast(?:er)?(?: tempo)?|quick(?:er)?|uptempo|up-tempo)\b")
# (a later turn's term matching the first pattern) replaces (earlier terms matching the second), and
# the third is then avoided ("" = replaced only; "=" = the earlier text itself, unless named again)
EXCLUSIVE: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = (
    (_FEMALE, _MALE, "male vocals"),
    (_MALE, _FEMALE, "female vocals"),
    (re.compile(r"\bacoustic\b"), re.compile(r"\belectric guitars?\b"), "electric guitar"),
    (re.compile(r"\belectric guitars?\b"), re.compile(r"\bacoustic(?: guitars?)?\b"), "acoustic"),
    (_DECADE, _DECADE, "="),
    (_SLOW, _FAST, "fast tempo"),
    (_FAST, _SLOW, "slow tempo"),
)
