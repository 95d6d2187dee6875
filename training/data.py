"""Stage 1, data: training queries and their positive descriptor sets, dev tracks excluded.

Writes ``pairs.jsonl`` (one row per (query, positive set): ``query``, ``positive`` (the set's text),
``descriptors``, ``kind``, ``group`` (the source track, so negatives never come from it)) and
``corpus.jsonl`` (every distinct positive set text) into the run directory. Query kinds:
``sentence`` (caption sentences, as in Epure et al. 2024, ``sets_per_sentence`` sampled sets each),
``request`` (template requests from sets and sentences, see ``training.templates``), ``jamendo``
(MTG-Jamendo train-split tag sets) and ``msd`` (MSD vocabulary tags matched to MusicCaps sets).
``llm_request`` / ``llm_sentence`` / ``llm_jamendo`` / ``llm_jamendo_heard`` rows come from
``DataConfig.llm_rows`` (written by ``training.generate_requests`` or by agents,
``training/generated/README.md``); ``jamendo_sound`` / ``paraphrase`` rows from the lexicons of
``training.descriptions``. Request rows: ``DataConfig.request_mix``. Out of scope: writing the
LLM rows, negatives (stage ``negatives``).
"""

from __future__ import annotations

import csv
import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.catalog.catalog import load_catalog
from retrieval.catalog.dataset_readers import jamendo_descriptor
from retrieval.errors import CatalogError, CratediggerError, DataNotFoundError
from retrieval.evaluation.benchmark import (
    caption_of,
    is_dev_track,
    sample_descriptor_set,
    split_sentences,
    track_key,
)
from training import templates
from training.files import write_jsonl
from training.llm_pairs import checked_kinds, llm_pairs, llm_rows_path
from training.rows import pair

logger = logging.getLogger(__name__)


class TrainingDataError(CratediggerError):
    """The training data is too small or unusable."""


REQUEST_SOURCES = ("aspects", "sampled", "sentence")


@dataclass
class DataConfig:
    """Where the data is and how many queries of each kind to build.

    Example:
        >>> DataConfig(max_tracks=20, min_tracks=5).sets_per_sentence
        3
    """

    musiccaps: str = "musiccaps/musiccaps_train.csv"  # relative to the data dir unless absolute
    jamendo: str | None = "jamendo/tracks.tsv"
    msd_vocab: str | None = "vocab/msd_ecals_tags.json"
    max_tracks: int | None = None  # cap on MusicCaps train tracks (None = all)
    sets_per_sentence: int = 3
    request_per_track: int = 2  # template requests per track, their sources cycling through request_mix
    # Sources of request rows, cycled: "aspects" (3-6 of the track's aspects), "sampled" (one of the
    # track's sampled sentence sets, the same sets the sentence rows use), "sentence" (a caption
    # sentence rewritten into a request; its sampled set is the positive).
    request_mix: tuple[str, ...] = ("aspects", "sentence")
    jamendo_queries: int = 600
    # LLM-written rows of ``training.generate_requests`` (relative to the project unless absolute; None:
    # not used). Requests of dev tracks are dropped like every other dev-track query.
    llm_rows: str | None = None
    # which kinds of ``llm_rows`` to read (``training.llm_pairs.LLM_KINDS``; None: all)
    llm_kinds: tuple[str, ...] | None = None
    msd_queries: int = 300
    # Listener-style descriptions of Jamendo train tag sets and paraphrased MusicCaps requests, from the
    # hand-written lexicons of ``training.descriptions`` (0: none).
    jamendo_sound_queries: int = 0
    paraphrase_queries: int = 0
    min_tracks: int = 100  # refuse below this many usable training tracks
    seed: int = 13

    def __post_init__(self) -> None:
        self.request_mix = tuple(self.request_mix)
        self.llm_kinds = checked_kinds(self.llm_kinds, "data", TrainingDataError)
        unknown = [s for s in self.request_mix if s not in REQUEST_SOURCES]
        if not self.request_mix or unknown:
            raise TrainingDataError(
                f"data.request_mix must list sources from {REQUEST_SOURCES}, got {list(self.request_mix)}; "
                'fix the config, e.g. "request_mix": ["aspects", "sentence"]'
            )


def _resolve(data_dir: Path, name: str) -> Path:
    path = Path(name)
    return path if path.is_absolute() else data_dir / path


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DataNotFoundError(
            f"expected training data at {path}, found nothing; place the shared data folder there "
            "(see README.md, section \"Data\") or set CRATEDIGGER_DATA to the folder holding "
            "musiccaps/, jamendo/ and vocab/"
        )
    return path


def read_musiccaps(path: Path) -> list[dict[str, Any]]:
    """Rows with ``ytid``, ``caption`` and ``aspects`` (list) from a MusicCaps CSV, read by the served
    catalog's reader (``retrieval.catalog``: the same descriptors, de-duplicated, that search and the dev
    benchmark see); unusable rows skipped."""
    try:
        catalog, _ = load_catalog(f"musiccaps:{_require(path)}")
    except CatalogError as exc:
        raise TrainingDataError(f"{path}: no usable MusicCaps rows ({exc})") from exc
    rows = []
    for song in catalog:
        caption = caption_of(song)
        if caption and song.descriptors:
            rows.append({"ytid": track_key(song), "caption": caption, "aspects": list(song.descriptors)})
    return rows


def musiccaps_pairs(rows: list[dict[str, Any]], cfg: DataConfig, rng: random.Random) -> list[dict]:
    """Sentence queries (``sets_per_sentence`` sampled sets each) and template requests per track."""
    set_rng = np.random.default_rng(cfg.seed)
    pairs = []
    for row in rows:
        track: list[dict] = []
        for sentence in split_sentences(row["caption"]):
            n_sets = range(cfg.sets_per_sentence)
            sets = [sample_descriptor_set(sentence, row["aspects"], set_rng) for _ in n_sets]
            for sampled in dict.fromkeys(tuple(s) for s in sets if s):
                track.append(pair(sentence, list(sampled), "sentence", row["ytid"]))
        pairs += track
        for i in range(cfg.request_per_track):
            source = cfg.request_mix[i % len(cfg.request_mix)]
            pairs.append(_request_pair(source if track else "aspects", row, track, rng))
    return pairs


def _request_pair(source: str, row: dict[str, Any], track: list[dict], rng: random.Random) -> dict:
    """One template request of ``source`` (see ``DataConfig.request_mix``) for a MusicCaps track."""
    if source == "aspects":
        dset = rng.sample(row["aspects"], min(len(row["aspects"]), rng.randint(3, 6)))
        return pair(templates.set_request(dset, rng), dset, "request", row["ytid"])
    src = rng.choice(track)
    if source == "sampled":
        query = templates.set_request(src["descriptors"], rng)
    else:
        query = templates.sentence_request(src["query"], rng)
    return pair(query, src["descriptors"], "request", row["ytid"])


def jamendo_train_tags(path: Path) -> dict[str, list[str]]:
    """track id -> tags of every MTG-Jamendo *train* track, each read as the served catalog reads it
    (``jamendo_descriptor``: "genre---punkrock" -> "punk rock", "instrument---voice" -> "vocals")."""
    out = {}
    with _require(path).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            raw = (row.get("tags") or "").split(",")
            if row.get("split") == "train":
                out[row["track_id"]] = list(dict.fromkeys(jamendo_descriptor(t) for t in raw if t.strip()))
    return out


def jamendo_pairs(train_tags: dict[str, list[str]], n: int, rng: random.Random) -> list[dict]:
    """Template requests naming up to two tags of MTG-Jamendo train-split tag sets (``train_tags``:
    ``jamendo_train_tags``)."""
    candidates = [(track, tags) for track, tags in train_tags.items() if len(tags) >= 2]
    pairs = []
    for track_id, tags in rng.sample(candidates, min(n, len(candidates))):
        pairs.append(pair(templates.set_request(tags, rng, max_mentioned=2), tags, "jamendo", track_id))
    return pairs


def msd_pairs(path: Path, mc_pairs: list[dict], n: int, rng: random.Random) -> list[dict]:
    """Requests for one MSD tag, paired with a MusicCaps set having a descriptor equal to that tag."""
    vocab = json.loads(_require(path).read_text(encoding="utf-8"))
    by_descriptor: dict[str, list[dict]] = {}
    for row in mc_pairs:
        for d in row["descriptors"]:
            by_descriptor.setdefault(d.lower().strip(), []).append(row)
    hits = [t for t in vocab if t.lower() in by_descriptor]
    pairs = []
    for tag in rng.sample(hits, min(n, len(hits))):
        src = rng.choice(by_descriptor[tag.lower()])
        pairs.append(pair(templates.tag_request(tag, rng), src["descriptors"], "msd", src["group"]))
    return pairs


def lexicon_files(cfg: DataConfig) -> list[Path]:
    """The lexicons of ``training.descriptions`` that ``cfg`` reads (the manifest hashes them)."""
    from training import descriptions as desc

    files = [desc.JAMENDO_LEXICON] if cfg.jamendo and cfg.jamendo_sound_queries else []
    return files + ([desc.MUSICCAPS_LEXICON] if cfg.paraphrase_queries else [])


def lexicon_pairs(cfg: DataConfig, train_tags: dict[str, list[str]] | None, sentence_pairs: list[dict],
                  rng: random.Random) -> list[dict]:
    """The ``jamendo_sound`` and ``paraphrase`` rows of ``training.descriptions`` the config asks for."""
    from training import descriptions as desc

    pairs: list[dict] = []
    if train_tags is not None and cfg.jamendo_sound_queries:
        lexicon = desc.load_lexicon(desc.JAMENDO_LEXICON)
        pairs += desc.jamendo_sound_pairs(train_tags, lexicon, cfg.jamendo_sound_queries, rng)
    if cfg.paraphrase_queries:
        lexicon = desc.load_lexicon(desc.MUSICCAPS_LEXICON)
        pairs += desc.paraphrase_pairs(sentence_pairs, lexicon, cfg.paraphrase_queries, rng)
    return pairs


def build_data(cfg: DataConfig, run_dir: Path, data_dir: Path) -> dict[str, int]:
    """Write ``pairs.jsonl`` and ``corpus.jsonl``; return counts per kind.

    Raises:
        DataNotFoundError: a configured data file is missing.
        TrainingDataError: fewer than ``cfg.min_tracks`` usable training tracks.
    """
    rng = random.Random(cfg.seed)
    rows = read_musiccaps(_resolve(data_dir, cfg.musiccaps))
    train = [r for r in rows if not is_dev_track(r["ytid"])]
    if cfg.max_tracks is not None:
        train = rng.sample(train, min(cfg.max_tracks, len(train)))
    if len(train) < cfg.min_tracks:
        raise TrainingDataError(
            f"too little training data: {len(rows)} usable MusicCaps rows, {len(rows) - len(train)} of "
            f"them dev tracks or capped, {len(train)} left for training; need at least {cfg.min_tracks} "
            "(lower data.min_tracks only for smoke tests)"
        )
    pairs = musiccaps_pairs(train, cfg, rng)
    sentences = [p for p in pairs if p["kind"] == "sentence"]
    wants_tags = cfg.jamendo_queries or cfg.llm_rows or cfg.jamendo_sound_queries
    tags = jamendo_train_tags(_resolve(data_dir, cfg.jamendo)) if cfg.jamendo and wants_tags else None
    if tags is not None and cfg.jamendo_queries:
        pairs += jamendo_pairs(tags, cfg.jamendo_queries, rng)
    if cfg.llm_rows:
        pairs += llm_pairs(llm_rows_path(cfg.llm_rows), train, tags, sentences, cfg.llm_kinds)
    pairs += lexicon_pairs(cfg, tags, sentences, rng)
    if cfg.msd_vocab and cfg.msd_queries:
        pairs += msd_pairs(_resolve(data_dir, cfg.msd_vocab), sentences, cfg.msd_queries, rng)
    corpus = sorted({p["positive"] for p in pairs})
    write_jsonl(run_dir / "pairs.jsonl", pairs)
    write_jsonl(run_dir / "corpus.jsonl", ({"text": t} for t in corpus))
    counts: dict[str, int] = {"tracks": len(train), "dev_tracks_excluded": len(rows) - len(train),
                              "corpus": len(corpus)}
    for p in pairs:
        counts[p["kind"]] = counts.get(p["kind"], 0) + 1
    logger.info("data: %s", counts)
    return counts
