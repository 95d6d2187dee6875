"""Loaders for public dataset layouts: MusicCaps, MTG-Jamendo ``tracks.tsv``, LP-MusicCaps (CSV/Parquet).

* MusicCaps: ``aspect_list`` (a Python list literal) gives the descriptors; the id is ``ytid``; the url is
  the YouTube clip at ``start_s``; ``caption``, ``ytid``, ``start_s`` (and the other columns) go to extra.
* MTG-Jamendo: ``tags`` like ``genre---punkrock,instrument---guitar,mood/theme---happy`` become readable
  descriptors (``punk rock``, ``guitar``, ``happy``): the category prefix is dropped and joined words
  are split with a fixed table; the url is ``https://www.jamendo.com/track/<number>``.
* LP-MusicCaps (MC, MTT, MSD): descriptors from ``aspect_list``, ``tag_top188``, ``tag`` or ``tag_top50``
  (first non-empty); id from ``track_id`` or ``ytid``; ``caption_writing`` becomes extra ``caption``.

Out of scope: downloading the datasets (read local files; see ../shared/data/README.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from retrieval.catalog.report import LoadReport
from retrieval.catalog.row_readers import SongBuilder, first_present, is_blank, parse_descriptors, text_field
from retrieval.errors import CatalogError
from retrieval.song import Song

MUSICCAPS_LICENSE = "CC BY-SA 4.0 (MusicCaps caption and aspect list); audio: see YouTube"
JAMENDO_LICENSE_UNKNOWN = "Creative Commons (see the Jamendo track page)"
# MTG-Jamendo tags written as one word -> readable descriptors. Tags not listed are kept as they are.
JAMENDO_WORDS = {
    "acidjazz": "acid jazz", "alternativerock": "alternative rock", "bluesrock": "blues rock",
    "bossanova": "bossa nova", "classicrock": "classic rock", "darkambient": "dark ambient",
    "deephouse": "deep house", "drumnbass": "drum and bass", "easylistening": "easy listening",
    "hardrock": "hard rock", "hiphop": "hip hop", "idm": "IDM", "edm": "EDM",
    "instrumentalpop": "instrumental pop", "instrumentalrock": "instrumental rock",
    "jazzfusion": "jazz fusion",
    "newage": "new age", "newwave": "new wave", "popfolk": "pop folk", "poprock": "pop rock",
    "postrock": "post-rock", "punkrock": "punk rock", "rnb": "r&b", "rocknroll": "rock and roll",
    "singersongwriter": "singer-songwriter", "synthpop": "synth pop", "triphop": "trip hop",
    "worldfusion": "world fusion", "ethno": "ethnic", "hard": "hard music", "electropop": "electro pop",
    "60s": "60s", "70s": "70s", "80s": "80s", "90s": "90s",
    "acousticbassguitar": "acoustic bass guitar", "acousticguitar": "acoustic guitar",
    "classicalguitar": "classical guitar", "doublebass": "double bass", "drummachine": "drum machine",
    "electricguitar": "electric guitar", "electricpiano": "electric piano", "pipeorgan": "pipe organ",
    "voice": "vocals", "computer": "computer-made", "beat": "beat", "pad": "synth pad",
    "film": "film music", "movie": "movie soundtrack", "game": "video game music", "space": "spacey",
    "dream": "dreamy", "fast": "fast tempo", "slow": "slow tempo", "nature": "nature theme",
    "sport": "sports theme", "travel": "travel theme", "holiday": "holiday theme",
}
_TAG_PREFIX = re.compile(r"^[a-z/]+---")
_JAMENDO_NUM = re.compile(r"(\d+)$")


def jamendo_descriptor(tag: str) -> str:
    """A readable descriptor for one MTG-Jamendo tag.

    Example:
        >>> jamendo_descriptor("genre---punkrock"), jamendo_descriptor("mood/theme---happy")
        ('punk rock', 'happy')
    """
    word = _TAG_PREFIX.sub("", tag.strip())
    return JAMENDO_WORDS.get(word, word)


def youtube_url(ytid: str, start_s: Any) -> str:
    """The YouTube link of a clip starting at ``start_s`` seconds."""
    start = _int_or_none(start_s)
    return f"https://www.youtube.com/watch?v={ytid}" + (f"&t={start}s" if start is not None else "")


def _int_or_none(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def load_musiccaps(rows: Iterator[tuple[int, dict[str, Any]]], report: LoadReport) -> list[Song]:
    """Songs from MusicCaps CSV rows (one per clip)."""
    builder = SongBuilder(report, "musiccaps")
    for line, row in rows:
        ytid = text_field(row.get("ytid"))
        start = _int_or_none(row.get("start_s"))
        extra = {k: v for k, v in row.items() if k not in ("ytid", "aspect_list", "start_s", "end_s")}
        extra.update(ytid=ytid, start_s=start, end_s=_int_or_none(row.get("end_s")))
        builder.add(
            line, ytid, row.get("aspect_list"),
            title=f"MusicCaps clip {ytid}" if ytid else "", url=youtube_url(ytid, start) if ytid else "",
            license=MUSICCAPS_LICENSE, extra=extra,
        )
    return builder.songs


def load_jamendo(rows: Iterator[tuple[int, dict[str, Any]]], report: LoadReport) -> list[Song]:
    """Songs from MTG-Jamendo ``tracks.tsv`` rows."""
    builder = SongBuilder(report, "mtg-jamendo")
    cache: dict[str, str] = {}
    for line, row in rows:
        track_id = text_field(row.get("track_id"))
        tags = [t for t in (row.get("tags") or "").split(",") if t.strip()]
        descriptors = [cache.get(t) or cache.setdefault(t, jamendo_descriptor(t)) for t in tags]
        number = _JAMENDO_NUM.search(track_id)
        duration = row.get("duration")
        builder.add(
            line, track_id, descriptors,
            title=row.get("title"), artist=row.get("artist"),
            url=f"https://www.jamendo.com/track/{int(number.group(1))}" if number else "",
            license=text_field(row.get("license")) or JAMENDO_LICENSE_UNKNOWN,
            extra={
                "split": row.get("split") or None, "artist_id": row.get("artist_id") or None,
                "album_id": row.get("album_id") or None, "duration": float(duration) if duration else None,
                "tags": row.get("tags"),
            },
        )
    return builder.songs


LP_DESCRIPTOR_KEYS = ("aspect_list", "tag_top188", "tag", "tag_top50")
LP_CONSUMED = {"track_id", "ytid", "title", "artist", "caption_writing", *LP_DESCRIPTOR_KEYS}


def load_lp_musiccaps(rows: Iterator[tuple[int, dict[str, Any]]], report: LoadReport) -> list[Song]:
    """Songs from LP-MusicCaps rows (MC, MTT or MSD layout), from CSV or Parquet."""
    builder = SongBuilder(report, "lp-musiccaps")
    for line, row in rows:
        _, song_id = first_present(row, ("track_id", "ytid"))
        descriptors = _first_nonempty_descriptors(row)
        ytid = text_field(row.get("ytid"))
        extra = {k: v for k, v in row.items() if k not in LP_CONSUMED}
        if not is_blank(row.get("caption_writing")):
            extra["caption"] = row["caption_writing"]
        if ytid:
            extra["ytid"] = ytid
        builder.add(
            line, song_id, descriptors,
            title=row.get("title"), artist=row.get("artist"),
            url=youtube_url(ytid, row.get("start_s")) if ytid else "",
            license=text_field(row.get("license")) or "CC BY-NC 4.0 (LP-MusicCaps captions)", extra=extra,
        )
    return builder.songs


def _first_nonempty_descriptors(row: dict[str, Any]) -> Any:
    """The first of ``LP_DESCRIPTOR_KEYS`` that parses to a non-empty list (else the first present value)."""
    for key in LP_DESCRIPTOR_KEYS:
        try:
            if parse_descriptors(row.get(key)):
                return row[key]
        except ValueError:
            continue
    return first_present(row, LP_DESCRIPTOR_KEYS)[1]


def iter_parquet(path: Path, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(row number, row)`` from a Parquet file (row numbers 1-based, no header line)."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - pyarrow ships with datasets
        raise CatalogError("reading Parquet needs pyarrow: pip install pyarrow") from exc
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for bad files
        raise CatalogError(f"{path}: not a readable Parquet file ({exc})") from exc
    del report
    yield from enumerate(table.to_pylist(), start=1)
