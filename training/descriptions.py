"""Listener-style descriptions of tag sets and paraphrased requests, from hand-written lexicons (issue 13).

Two kinds of training query that the template kinds of ``training.data`` do not give:

* ``jamendo_sound``: a description of an MTG-Jamendo *train* track built from its tag set the way a
  listener describes what they hear: a few of the tags, each either named (the tag or a synonym from
  ``assets/lexicons/jamendo_tags.json``'s ``say``) or described without naming it (``sounds``: "heavy
  distorted guitars" for metal), in loose sentences. The positive is the whole tag set, as served.
* ``paraphrase``: a MusicCaps train sentence or sampled set in other words (``assets/lexicons/
  musiccaps_paraphrases.json``: "low quality" -> "lo-fi", "male voice" -> "a man singing"), so the
  student sees requests that do not repeat the caption's words, as LLM rewrites do not.

The lexicons were written for this project by hand (by the session's agents, from the tag and
descriptor names only, never from the dev sets). Out of scope: LLM-written rows
(``training.generate_requests``), the dev request templates (``retrieval.evaluation.benchmark``).

Example:
    >>> lex = {"metal": {"say": ["heavy metal"], "sounds": ["crushing riffs"]}}
    >>> text = describe_tags(["metal"], lex, random.Random(1))
    >>> any(w in text for w in ("metal", "crushing riffs"))
    True
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from retrieval.paths import lexicons_dir
from retrieval.retrievers import query_expansion
from training import templates
from training.rows import pair

LEXICONS = lexicons_dir()
JAMENDO_LEXICON = LEXICONS / query_expansion.JAMENDO_LEXICON
MUSICCAPS_LEXICON = LEXICONS / query_expansion.MUSICCAPS_LEXICON

# How a description opens and how its parts are joined; none is a dev template
# (``tests/training/test_descriptions.py`` checks).
OPENERS = ("", "", "", "this one is ", "it's ", "a song with ", "sounds like ", "i'd describe it as ",
           "the track has ", "something ", "a piece with ", "kind of ", "you hear ", "music that is ",
           "a tune with ", "imagine ", "basically ")
JOINERS = (", ", ", ", " and ", " with ", ". ", "; ", ", plus ", " - ", ", also ")
CLOSERS = ("", "", "", ".", ".", "!", " overall", ", that's it", " i think", " vibes")
NAMED, SYNONYM = 0.3, 0.25  # P(tag as is), P(a synonym); otherwise a phrase describing its sound


def load_lexicon(path: Path) -> dict[str, Any]:
    """A lexicon JSON file as a dict (keys lowercased; ``query_expansion.read_lexicon``)."""
    return query_expansion.read_lexicon(path)


def _mention(tag: str, entry: dict[str, list[str]] | None, rng: random.Random) -> str:
    roll = rng.random()
    if not entry or roll < NAMED:
        return tag
    if roll < NAMED + SYNONYM and entry.get("say"):
        return rng.choice(entry["say"])
    return rng.choice(entry.get("sounds") or entry.get("say") or [tag])


def describe_tags(tags: list[str], lexicon: dict[str, Any], rng: random.Random) -> str:
    """A loose listener description mentioning 1-4 of ``tags`` (named or described)."""
    k = min(len(tags), rng.choice((1, 2, 2, 3, 3, 4)))
    parts = [_mention(t, lexicon.get(t.lower()), rng) for t in rng.sample(tags, k)]
    text = parts[0]
    for part in parts[1:]:
        text += rng.choice(JOINERS) + part
    text = rng.choice(OPENERS) + text + rng.choice(CLOSERS)
    return text[:1].upper() + text[1:] if rng.random() < 0.4 else text


def jamendo_sound_pairs(tracks: dict[str, list[str]], lexicon: dict[str, Any], n: int,
                        rng: random.Random) -> list[dict[str, Any]]:
    """``n`` (description, tag set) pairs from train tracks (``tracks``: id -> served tags)."""
    chosen = rng.sample(sorted(tracks), min(n, len(tracks)))
    return [pair(describe_tags(tracks[t], lexicon, rng), tracks[t], "jamendo_sound", t) for t in chosen]


def paraphrase_sentence(sentence: str, descriptors: list[str], lexicon: dict[str, Any],
                        rng: random.Random) -> str | None:
    """``sentence`` with its verbatim descriptors said in other words; None when none could be.

    Example:
        >>> paraphrase_sentence("A low quality recording.", ["low quality"], {"low quality": ["lo-fi"]},
        ...                     random.Random(1))
        'A lo-fi recording.'
    """
    out, changed = sentence, False
    for d in sorted(descriptors, key=len, reverse=True):
        options = lexicon.get(d.lower())
        pattern = re.compile(rf"(?<!\w){re.escape(d)}(?!\w)", re.I)
        if options and pattern.search(out) and rng.random() < 0.8:
            out, changed = pattern.sub(rng.choice(options), out, count=1), True
    return out if changed else None


def paraphrase_pairs(sentence_pairs: list[dict[str, Any]], lexicon: dict[str, Any], n: int,
                     rng: random.Random) -> list[dict[str, Any]]:
    """Up to ``n`` requests from MusicCaps sentence pairs, their descriptors paraphrased: half rewrite
    the sentence, half name 1-3 of the set's descriptors in other words."""
    pairs = []
    for src in rng.sample(sentence_pairs, min(n, len(sentence_pairs))):
        descriptors = src["descriptors"]
        if rng.random() < 0.5:
            said = paraphrase_sentence(src["query"], descriptors, lexicon, rng)
            query = None if said is None else (
                templates.sentence_request(said, rng) if rng.random() < 0.5 else said)
        else:
            k = rng.randint(1, min(3, len(descriptors)))
            words = [rng.choice(lexicon.get(d.lower()) or [d]) for d in rng.sample(descriptors, k)]
            query = templates.set_request(words, rng, max_mentioned=len(words)) if words else None
        if query:
            pairs.append(pair(query, descriptors, "paraphrase", src["group"]))
    return pairs
