"""Builds BEIR benchmark folders from captioned songs with the protocol of Epure et al. (2024).

Variants:
    ``sentence``: each caption sentence (split on ". ") is a query; its relevant document is a sampled
        descriptor set: a random non-empty subset of the track's descriptors that appear verbatim in the
        sentence (case-insensitive, whole words), plus up to as many of its other descriptors, in the
        track's descriptor order, joined by ", ". Sentences with no verbatim descriptor are dropped.
    ``song``: the whole caption is the query; the relevant document is the track's full descriptor set.
    ``request``: request-style queries ("play me some ...") built with ``DEV_REQUEST_TEMPLATES`` from the
        same sentences; the relevant document is the same sampled set as in ``sentence`` for that seed.

The corpus is every relevant document of the split, identical texts merged into one document. Sampling
uses one generator per (seed, track), so a track's sets do not depend on which other tracks are present.
Out of scope: reading catalogs (``retrieval.catalog``) and scoring (``retrieval.evaluation.evaluate``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from retrieval.errors import BenchmarkError
from retrieval.song import Song

logger = logging.getLogger(__name__)

VARIANTS = ("sentence", "song", "request")
CAPTION_KEYS = ("caption_writing", "caption")
DEV_FRACTION = 0.15
_DEV_SALT = "cratedigger-dev-v1:"

# Request-style templates for the *dev* benchmark. Training data must use different templates.
# {descriptors}: a partial list of the relevant set's descriptors ("a, b and c");
# {sentence}: the caption sentence, first letter lower-cased, final period removed.
DEV_REQUEST_TEMPLATES: tuple[str, ...] = (
    "I'm looking for something with {descriptors}.",
    "play me some {descriptors}",
    "any songs that are {descriptors}?",
    "Got any tracks with {descriptors}? Anything goes.",
    "in the mood for {descriptors} tonight",
    "can you put on something {descriptors}",
    "need {descriptors} for a playlist I'm making",
    "what have you got that's {descriptors}?",
    "I want music like this: {sentence}",
    "find me a song where {sentence}",
    "looking for a track, {sentence}",
    "hey, something where {sentence}, if you have it",
)


@dataclass
class BenchmarkStats:
    """Counts of one built benchmark folder (also written to ``stats.json`` beside the BEIR files)."""

    variant: str
    seed: int
    tracks: int = 0
    tracks_used: int = 0
    sentences: int = 0
    sentences_dropped: int = 0
    queries: int = 0
    documents: int = 0
    skipped: list[str] = field(default_factory=list)


def split_sentences(caption: str) -> list[str]:
    """Split a caption on ". " into stripped, non-empty sentences (a final period is removed).

    Example:
        >>> split_sentences("A calm piano song. Female vocals sing softly.")
        ['A calm piano song', 'Female vocals sing softly']
    """
    parts = (part.strip() for part in caption.split(". "))
    return [p[:-1].rstrip() if p.endswith(".") else p for p in parts if p and p != "."]


def is_dev_track(ytid: str) -> bool:
    """True for the fixed 15% of tracks (by a salted SHA-256 of ``ytid``) held out as the dev set.

    Example:
        >>> is_dev_track("-0SdAVK79lg") in (True, False)
        True
    """
    digest = hashlib.sha256((_DEV_SALT + ytid).encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < DEV_FRACTION * 10_000


def verbatim_descriptors(sentence: str, descriptors: Sequence[str]) -> list[str]:
    """The descriptors that occur in ``sentence`` as whole words, ignoring case.

    Example:
        >>> verbatim_descriptors("A Slow tempo pop song", ["slow tempo", "pop", "rock"])
        ['slow tempo', 'pop']
    """
    lowered = sentence.lower()
    return [d for d in descriptors if re.search(rf"(?<!\w){re.escape(d.lower())}(?!\w)", lowered)]


def sample_descriptor_set(
    sentence: str, descriptors: Sequence[str], rng: np.random.Generator
) -> list[str] | None:
    """Sample the relevant set for ``sentence``; None when no descriptor appears verbatim in it.

    A size n in 1..len(verbatim) and then n verbatim descriptors are drawn uniformly, then m in
    0..min(n, len(others)) of the track's other descriptors; the result keeps the track's order.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> sample_descriptor_set("a sad piano song", ["piano", "sad", "rock"], rng)
        ['piano', 'sad']
    """
    unique = list(dict.fromkeys(d.strip() for d in descriptors if d.strip()))
    verbatim = verbatim_descriptors(sentence, unique)
    if not verbatim:
        return None
    others = [d for d in unique if d not in verbatim]
    n = int(rng.integers(1, len(verbatim) + 1))
    chosen = set(rng.choice(verbatim, size=n, replace=False).tolist())
    m = int(rng.integers(0, min(n, len(others)) + 1))
    if m:
        chosen.update(rng.choice(others, size=m, replace=False).tolist())
    return [d for d in unique if d in chosen]


def _natural_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def request_query(sentence: str, descriptor_set: Sequence[str], rng: np.random.Generator) -> str:
    """A request-style query for ``sentence`` from ``DEV_REQUEST_TEMPLATES``.

    Descriptor templates get a partial list (1 to 3) of ``descriptor_set``; sentence templates get
    the sentence with its first letter lower-cased.

    Example:
        >>> request_query("Soft piano plays", ["soft piano"], np.random.default_rng(1))
        'can you put on something soft piano'
    """
    template = DEV_REQUEST_TEMPLATES[int(rng.integers(len(DEV_REQUEST_TEMPLATES)))]
    size = int(rng.integers(1, min(3, len(descriptor_set)) + 1))
    picked = rng.choice(list(descriptor_set), size=size, replace=False).tolist()
    lowered = sentence[:1].lower() + sentence[1:] if sentence[1:2].islower() else sentence
    return template.format(descriptors=_natural_list(picked), sentence=lowered)


def caption_of(song: Song) -> str:
    """The song's caption from ``song.extra`` (``caption_writing`` first, then ``caption``); "" if none."""
    for key in CAPTION_KEYS:
        value = song.extra.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def track_key(song: Song) -> str:
    """The id the dev split hashes: ``extra['ytid']`` when present, else ``song.id``."""
    return str(song.extra.get("ytid") or song.id)


def select_split(songs: Iterable[Song], split: str) -> list[Song]:
    """Songs of ``split``: ``dev`` (``is_dev_track``), ``train`` (the rest) or ``all``."""
    if split not in ("dev", "train", "all"):
        raise BenchmarkError(f"unknown split {split!r}: expected dev, train or all")
    songs = list(songs)
    if split == "all":
        return songs
    want_dev = split == "dev"
    return [s for s in songs if is_dev_track(track_key(s)) == want_dev]


def _track_rng(seed: int, song: Song, stream: int) -> np.random.Generator:
    key = int.from_bytes(hashlib.sha256(song.id.encode()).digest()[:8], "big")
    return np.random.default_rng([seed, key, stream])


class _Builder:
    """Accumulates queries, a deduplicated corpus and qrels."""

    def __init__(self) -> None:
        self.corpus: dict[str, str] = {}  # text -> doc id
        self.queries: list[tuple[str, str]] = []
        self.qrels: list[tuple[str, str]] = []

    def add(self, qid: str, query: str, doc_text: str) -> None:
        doc_id = self.corpus.setdefault(doc_text, f"d{len(self.corpus)}")
        self.queries.append((qid, query))
        self.qrels.append((qid, doc_id))


def _add_song(builder: _Builder, song: Song, seed: int, variant: str, stats: BenchmarkStats) -> None:
    caption = caption_of(song)
    if not caption or not song.descriptors:
        stats.skipped.append(f"{song.id}: {'no caption' if not caption else 'no descriptors'}")
        return
    stats.tracks_used += 1
    if variant == "song":
        builder.add(song.id, caption, song.descriptor_text)
        return
    set_rng, text_rng = _track_rng(seed, song, 0), _track_rng(seed, song, 1)
    for i, sentence in enumerate(split_sentences(caption)):
        stats.sentences += 1
        sampled = sample_descriptor_set(sentence, song.descriptors, set_rng)
        if sampled is None:
            stats.sentences_dropped += 1
            continue
        if variant == "sentence":
            builder.add(f"{song.id}#s{i}", sentence, ", ".join(sampled))
        else:
            builder.add(f"{song.id}#r{i}", request_query(sentence, sampled, text_rng), ", ".join(sampled))


def make_benchmark(
    songs: Sequence[Song], out_dir: str | Path, seed: int = 0, variant: str = "sentence"
) -> BenchmarkStats:
    """Write a BEIR folder (``corpus.jsonl``, ``queries.jsonl``, ``qrels/test.tsv``, ``stats.json``).

    The folder is written to a temporary sibling and moved into place, replacing ``out_dir``.

    Example:
        >>> make_benchmark(songs, "bench/sentence-seed0", seed=0)  # doctest: +SKIP
        BenchmarkStats(variant='sentence', seed=0, tracks=20, ...)
    """
    if variant not in VARIANTS:
        raise BenchmarkError(f"unknown variant {variant!r}: expected one of {', '.join(VARIANTS)}")
    stats = BenchmarkStats(variant=variant, seed=seed, tracks=len(songs))
    builder = _Builder()
    for song in songs:
        _add_song(builder, song, seed, variant, stats)
    if not builder.queries:
        raise BenchmarkError(
            f"no queries: none of the {len(songs)} songs has a caption sentence containing one of its "
            "descriptors; check the caption column (caption_writing or caption) and the descriptor column"
        )
    stats.queries, stats.documents = len(builder.queries), len(builder.corpus)
    _write_beir(builder, Path(out_dir), stats)
    logger.info(
        "%s: %d queries, %d documents from %d tracks",
        out_dir,
        stats.queries,
        stats.documents,
        stats.tracks_used,
    )
    return stats


def _write_jsonl(path: Path, rows: Iterable[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _write_beir(builder: _Builder, out: Path, stats: BenchmarkStats) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_jsonl(
            tmp / "corpus.jsonl", ({"_id": i, "title": "", "text": t} for t, i in builder.corpus.items())
        )
        _write_jsonl(tmp / "queries.jsonl", ({"_id": q, "text": t} for q, t in builder.queries))
        (tmp / "qrels").mkdir()
        lines = ["query-id\tcorpus-id\tscore"] + [f"{q}\t{d}\t1" for q, d in builder.qrels]
        (tmp / "qrels" / "test.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (tmp / "stats.json").write_text(json.dumps(asdict(stats), indent=1) + "\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
