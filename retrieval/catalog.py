"""A catalog of songs and the load report that says which rows were skipped and why.

``load_catalog(spec)`` accepts:

* ``demo``: the embedded demo catalog ``assets/demo_catalog.jsonl``;
* ``musiccaps`` / ``jamendo``: the files under the data folder (``$CRATEDIGGER_DATA``, ``retrieval.paths``);
* a path ending in ``.jsonl``/``.json``, ``.csv``, ``.tsv`` or ``.parquet`` (CSV/TSV headers that look like
  MusicCaps, MTG-Jamendo or LP-MusicCaps are recognised);
* ``FORMAT:PATH`` with FORMAT one of ``jsonl, csv, musiccaps, jamendo, lp-musiccaps``.

Out of scope: the row formats themselves (see ``retrieval.loaders`` and ``retrieval.dataset_loaders``),
indexing and search (see ``retrieval.searcher``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.errors import CatalogError
from retrieval.paths import DEMO_CATALOG, data_dir
from retrieval.song import Song

logger = logging.getLogger(__name__)

FORMATS = ("jsonl", "csv", "musiccaps", "jamendo", "lp-musiccaps")


@dataclass
class LoadReport:
    """What a load did: rows loaded, rows skipped as ``(row number, reason)``, and remarks.

    Row numbers are 1-based physical line numbers of the file (the CSV header is line 1).

    Example:
        >>> r = LoadReport("x.csv", loaded=2, skipped=[(3, "no id")])
        >>> r.summary()
        'x.csv: loaded 2 songs, skipped 1 row (line 3: no id)'
    """

    source: str = ""
    loaded: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def skip(self, row: int, reason: str) -> None:
        self.skipped.append((row, reason))

    def summary(self, show: int = 5) -> str:
        """One line: counts plus the first ``show`` skipped rows and every note."""
        n = len(self.skipped)
        text = f"{self.source}: loaded {self.loaded} songs, skipped {n} row{'s' if n != 1 else ''}"
        if n:
            shown = "; ".join(f"line {row}: {why}" for row, why in self.skipped[:show])
            text += f" ({shown}{'; ...' if n > show else ''})"
        if self.notes:
            text += ". " + ". ".join(self.notes)
        return text


class Catalog:
    """An ordered collection of songs with unique ids.

    Example:
        >>> cat = Catalog([Song("a", "T", "A", ("piano", "sad"))], name="mini")
        >>> len(cat), cat.by_id("a").title
        (1, 'T')
    """

    def __init__(self, songs: Iterable[Song], name: str = "catalog", spec: str = "") -> None:
        self.songs: tuple[Song, ...] = tuple(songs)
        self.name = name
        self.spec = spec  # how it was loaded (a load_catalog spec), for rebuild hints
        self._by_id = {s.id: s for s in self.songs}
        if len(self._by_id) != len(self.songs):
            raise CatalogError(f"catalog {name!r} has duplicate song ids; use load_catalog, which skips them")

    def __len__(self) -> int:
        return len(self.songs)

    def __iter__(self) -> Iterator[Song]:
        return iter(self.songs)

    def by_id(self, song_id: str) -> Song:
        """The song with ``song_id``; ``KeyError`` naming the id when absent."""
        try:
            return self._by_id[song_id]
        except KeyError:
            raise KeyError(f"no song with id {song_id!r} in catalog {self.name!r}") from None

    def __contains__(self, song_id: object) -> bool:
        return song_id in self._by_id

    def content_hash(self) -> str:
        """sha256 over every song's JSON form (order-sensitive); changes whenever any field changes."""
        digest = hashlib.sha256()
        for song in self.songs:
            digest.update(json.dumps(song.to_dict(), sort_keys=True, default=str).encode("utf-8"))
            digest.update(b"\n")
        return digest.hexdigest()

    def write_jsonl(self, path: str | Path) -> None:
        """Write the catalog in the generic JSONL format (readable by ``load_catalog``)."""
        with Path(path).open("w", encoding="utf-8") as handle:
            for song in self.songs:
                handle.write(json.dumps(song.to_dict(), ensure_ascii=False, default=str) + "\n")


def resolve_spec(spec: str) -> tuple[str, Path]:
    """Split a catalog spec into ``(format, path)``; the format may be ``auto``.

    Example:
        >>> resolve_spec("jamendo:/data/tracks.tsv")
        ('jamendo', PosixPath('/data/tracks.tsv'))
    """
    spec = spec.strip()
    if spec == "demo":
        return "jsonl", DEMO_CATALOG
    if spec == "musiccaps":
        return "musiccaps", data_dir() / "musiccaps" / "musiccaps_train.csv"
    if spec == "jamendo":
        return "jamendo", data_dir() / "jamendo" / "tracks.tsv"
    fmt, sep, rest = spec.partition(":")
    if sep and fmt.lower() in FORMATS:
        return fmt.lower(), Path(rest).expanduser()
    return "auto", Path(spec).expanduser()


def load_catalog(spec: str, name: str | None = None) -> tuple[Catalog, LoadReport]:
    """Load a catalog from ``spec`` (see the module docstring).

    Raises:
        CatalogError: the file is missing or unreadable, the format is unknown, or no row is usable.

    Example:
        >>> catalog, report = load_catalog("tests/fixtures/catalog20.jsonl")  # doctest: +SKIP
        >>> len(catalog), report.skipped  # doctest: +SKIP
        (20, [])
    """
    from retrieval import loaders

    fmt, path = resolve_spec(spec)
    if not path.is_file():
        hint = "run `make setup`" if spec == "demo" else "check the path or CRATEDIGGER_DATA"
        raise CatalogError(
            f"catalog {spec!r}: no file at {path} ({hint}). Expected 'demo', 'musiccaps', 'jamendo', a "
            f".jsonl/.csv/.tsv/.parquet path, or FORMAT:PATH with FORMAT in {', '.join(FORMATS)}"
        )
    report = LoadReport(source=str(path))
    songs = loaders.load_songs(path, fmt, report)
    report.loaded = len(songs)
    if report.skipped:
        logger.warning("%s", report.summary())
    elif report.notes:
        logger.info("%s", report.summary())
    if not songs:
        raise CatalogError(
            f"{path}: no usable rows ({len(report.skipped)} skipped). {report.summary()}. Each row needs an "
            "id and a non-empty descriptor list (a JSON list, or a string separated by , ; or |)."
        )
    return Catalog(songs, name=name or ("demo" if spec == "demo" else path.stem), spec=spec), report
