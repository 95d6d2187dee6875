"""Synthetic training data for the span tagger: listener posts with wanted / rejected spans marked.

Each example is a post assembled from pieces, every piece carrying a label: ``WANT`` (a descriptor the
listener asks for), ``REJECT`` (one they do not want) or ``O`` (cues, filler, life stories, names,
greetings). Descriptors come from the vocabularies the project serves (MusicCaps aspects, MTG-Jamendo
tags as the catalog reads them, the MSD tag list; the demo catalog when the data folder is absent).
The frames are written for this file, not taken from the dev sets (``benchmarks/devsets``), and the
posts are roughened: lowercase, no punctuation, one-letter typos, emoji, rambling openers.

Out of scope: training (``training.parser_train``), using the tagger (``chat.span_tagger``).

Example:
    >>> import random
    >>> post = make_post(random.Random(0), ["piano", "sad"], ["drums"], names=["Nora Vale"])
    >>> sorted((label, text) for text, label in post if label != "O" and text in ("piano", "sad", "drums"))
    [('REJECT', 'drums'), ('WANT', 'piano'), ('WANT', 'sad')]
"""

from __future__ import annotations

import ast
import csv
import json
import random
import re
from pathlib import Path

from training.parser_frames import (
    CLOSERS,
    FALSE_NEGATIONS,
    OPENERS,
    PREFIX_CUES,
    PURPOSE_NOUNS,
    PURPOSES,
    STORIES,
    SUFFIX_CUES,
    WANT_FRAMES,
    WANT_SUFFIXES,
)

Piece = tuple[str, str]  # (text, label)
EMOJI = ["🔥", "😅", "🎸", "🙏", "😤", "✨", "🌅", "🤘", "💃", "😭", "lol", "tbh", "pls"]


def load_vocabulary(data_dir: Path, demo_catalog: Path | None = None) -> list[str]:
    """Descriptor phrases of MusicCaps (train), MTG-Jamendo (train) and MSD; the demo catalog's otherwise."""
    from retrieval.catalog.dataset_readers import jamendo_descriptor

    words: set[str] = set()
    caps = data_dir / "musiccaps" / "musiccaps_train.csv"
    if caps.is_file():
        with caps.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                try:
                    words.update(str(a).strip().lower() for a in ast.literal_eval(row["aspect_list"] or "[]"))
                except (ValueError, SyntaxError):
                    continue
    tracks = data_dir / "jamendo" / "tracks.tsv"
    if tracks.is_file():
        with tracks.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row.get("split") == "train":
                    words.update(jamendo_descriptor(t) for t in (row.get("tags") or "").split(",") if t)
    msd = data_dir / "vocab" / "msd_ecals_tags.json"
    if msd.is_file():
        words.update(str(t).lower() for t in json.loads(msd.read_text(encoding="utf-8")))
    if not words and demo_catalog is not None and demo_catalog.is_file():
        for line in demo_catalog.read_text(encoding="utf-8").splitlines():
            words.update(json.loads(line).get("descriptors", []))
    return sorted(w for w in words if 2 <= len(w) <= 30 and re.fullmatch(r"[a-z0-9&'/ -]+", w))


def _terms(rng: random.Random, terms: list[str]) -> list[Piece]:
    """"a, b and c" with each term a labelled piece."""
    pieces: list[Piece] = []
    for i, term in enumerate(terms):
        if i:
            pieces.append((rng.choice([", ", " and ", " with ", " / ", " & ", ", maybe "]), "O"))
        pieces.append((term, "WANT"))
    return pieces


def _rejects(rng: random.Random, terms: list[str]) -> list[Piece]:
    if rng.random() < 0.75:
        pieces: list[Piece] = [(rng.choice(PREFIX_CUES) + " ", "O")]
        for i, term in enumerate(terms):
            if i:
                pieces.append((rng.choice([", ", " or ", " nor ", ", no ", " and no "]), "O"))
            pieces.append((term, "REJECT"))
        return pieces
    before, after = rng.choice(SUFFIX_CUES).split("{x}")
    return [(before, "O"), (terms[0], "REJECT"), (after, "O")]


def make_post(
    rng: random.Random, wanted: list[str], rejected: list[str], names: list[str]
) -> list[Piece]:
    """One post as labelled pieces (see the module docstring)."""
    sentences: list[list[Piece]] = []
    if rng.random() < 0.35:
        sentences.append([(rng.choice(OPENERS), "O")])
    if rng.random() < 0.3:
        sentences += [[(s, "O")] for s in rng.sample(STORIES, rng.randint(1, 3))]
    frame = rng.choice(WANT_FRAMES)
    before, after = frame.split("{x}")
    want = [(before, "O"), *_terms(rng, wanted), (after, "O")]
    if rng.random() < 0.4:
        before_p, after_p = rng.choice(PURPOSES).split("{p}")
        want += [(" " + before_p, "O"), (rng.choice(PURPOSE_NOUNS), "WANT"), (after_p, "O")]
    if names and rng.random() < 0.3:
        want += [(rng.choice([" kind of like ", " a bit like ", ", think ", " in the vein of "]), "O"),
                 (rng.choice(names), "O")]
    sentences.append(want)
    if rng.random() < 0.15:
        sentences.append([(rng.choice(FALSE_NEGATIONS), "O")])
    if len(wanted) > 1 and rng.random() < 0.35:  # one wish said after the descriptor
        before_w, after_w = rng.choice(WANT_SUFFIXES).split("{x}")
        sentences.append([(before_w, "O"), (wanted[-1], "WANT"), (after_w, "O")])
        want[:] = [(before, "O"), *_terms(rng, wanted[:-1]), (after, "O")]
    if rejected:
        sentences.append(_rejects(rng, rejected))
    if rng.random() < 0.3:
        sentences.append([(rng.choice(CLOSERS), "O")])
    if len(sentences) > 2 and rng.random() < 0.3:
        rest = sentences[1:]
        rng.shuffle(rest)
        sentences = sentences[:1] + rest
    pieces: list[Piece] = []
    for i, sentence in enumerate(sentences):
        if i:
            ended = pieces[-1][0].rstrip()[-1:] in (".", "!", "?", ",")
            pieces.append((" " if ended else rng.choice([". ", "! ", " ", ", ", ". ", " | ", "\n"]), "O"))
        pieces += sentence
    return _roughen(rng, pieces)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    dropped, doubled = word[:i] + word[i + 1 :], word[:i] + word[i] + word[i:]
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return rng.choice([dropped, doubled, swapped])


def _roughen(rng: random.Random, pieces: list[Piece]) -> list[Piece]:
    lower, bare, typos = rng.random() < 0.5, rng.random() < 0.2, rng.random() < 0.15
    out = []
    for text, label in pieces:
        if lower:
            text = text.lower()
        if bare and label == "O":
            text = re.sub(r"[.!?,;:]", "", text)
        if typos and label != "O":
            text = " ".join(_typo(rng, w) if rng.random() < 0.3 else w for w in text.split(" "))
        out.append((text, label))
    if rng.random() < 0.15:
        out.append((" " + rng.choice(EMOJI), "O"))
    return out


def make_examples(vocabulary: list[str], names: list[str], n: int, seed: int = 0) -> list[list[Piece]]:
    """``n`` posts; about one in three rejects nothing."""
    rng = random.Random(seed)
    posts = []
    for _ in range(n):
        picked = rng.sample(vocabulary, rng.randint(1, min(6, len(vocabulary))))
        cut = rng.randint(1, len(picked)) if rng.random() < 0.7 else len(picked)
        wanted, rejected = picked[:cut], picked[cut:][:3]
        posts.append(make_post(rng, wanted, rejected, names))
    return posts
