"""Request-style query templates used to build *training* queries.

They are deliberately different from the dev benchmark's request templates
(``retrieval.evaluation.benchmark.DEV_REQUEST_TEMPLATES``) so the dev request set measures generalisation to
unseen phrasings; ``tests/training/test_training_data.py`` checks there is no overlap.
Out of scope: LLM-written requests.
"""

from __future__ import annotations

import random
import re

# {d}: descriptors joined naturally ("a, b and c").
SET_TEMPLATES = (
    "i'm after a track with {d}",
    "something with {d}, please",
    "could you queue a song that has {d}?",
    "do you know any music with {d}?",
    "i need a tune for tonight: {d}",
    "recommend me something {d}",
    "give me a few songs, {d}",
    "find me songs featuring {d}",
    "my vibe right now is {d}",
    "suggest a record with {d}",
)

# {s}: a caption sentence rewritten to a clause ("it features an electric guitar").
SENTENCE_TEMPLATES = (
    "i'm after a recording in which {s}",
    "is there music in which {s}?",
    "can you dig up something in which {s}?",
    "play a track in which {s}",
    "i'd love to hear a piece where {s}",
    "recommend something: {s}",
)

# {t}: one vocabulary tag (MSD / MTG-Jamendo).
TAG_TEMPLATES = (
    "queue up a {t} track",
    "anything {t}?",
    "i want to hear {t} music",
    "recommend some {t}",
)

_SUBJECT = re.compile(r"^(this|the) (song|music|track|clip|audio|recording|piece|tune)\b\s*", re.I)


def join_descriptors(descriptors: list[str]) -> str:
    """Join descriptors the way people list them.

    Example:
        >>> join_descriptors(["piano", "sad", "slow tempo"])
        'piano, sad and slow tempo'
    """
    items = [d.strip() for d in descriptors if d.strip()]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def sentence_clause(sentence: str) -> str:
    """Turn a caption sentence into a clause usable after "a song where".

    Example:
        >>> sentence_clause("This song features an electric guitar.")
        'it features an electric guitar'
    """
    text = sentence.strip().rstrip(".")
    text = _SUBJECT.sub("it ", text)
    return text[:1].lower() + text[1:]


def set_request(descriptors: list[str], rng: random.Random, max_mentioned: int = 3) -> str:
    """A request naming 1..max_mentioned of ``descriptors`` (users rarely list them all)."""
    k = rng.randint(1, min(max_mentioned, len(descriptors)))
    return rng.choice(SET_TEMPLATES).format(d=join_descriptors(rng.sample(descriptors, k)))


def sentence_request(sentence: str, rng: random.Random) -> str:
    return rng.choice(SENTENCE_TEMPLATES).format(s=sentence_clause(sentence))


def tag_request(tag: str, rng: random.Random) -> str:
    return rng.choice(TAG_TEMPLATES).format(t=tag)
