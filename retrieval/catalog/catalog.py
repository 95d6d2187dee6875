"""A catalog of songs and the load report that says which rows were skipped and why.

``load_catalog(spec)`` accepts:

* ``demo``: the embedded demo catalog ``assets/demo_catalog.jsonl``;
* ``musiccaps`` / ``jamendo``: the files under the data folder (``$CRATEDIGGER_DATA``, ``retrieval.paths``);
* a path ending in ``.jsonl``/``.json``, ``.csv``, ``.tsv`` or ``.parquet`` (CSV/TSV headers that look like
  MusicCaps, MTG-Jamendo or LP-MusicCaps are recognised);
* ``FORMAT:PATH`` with FORMAT one of ``jsonl, csv, musiccaps, jamendo, lp-musiccaps``.

Out of scope: the row formats themselves (``retrieval.catalog.row_readers``,
``retrieval.catalog.dataset_readers``), telling formats apart (``retrieval.catalog.formats``), the load
report (``retrieval.catalog.report``), indexing and search (``retrieval.search``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path

from retrieval.catalog import dataset_readers
from retrieval.catalog.csv_rows import iter_csv
from retrieval.catalog.formats import FORMATS, detect_format, resolve_spec
from retrieval.catalog.report import LoadReport
from retrieval.catalog.row_readers import iter_jsonl, load_generic, read_text
from retrieval.errors import CatalogError
from retrieval.song import Song

logger = logging.getLogger(__name__)


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


def load_catalog(spec: str, name: str | None = None) -> tuple[Catalog, LoadReport]:
    """Load a catalog from ``spec`` (see the module docstring).

    Raises:
        CatalogError: the file is missing or unreadable, the format is unknown, or no row is usable.

    Example:
        >>> catalog, report = load_catalog("demo")
        >>> len(catalog), report.skipped, catalog.name
        (730, [], 'demo')
    """

    fmt, path = resolve_spec(spec)
    if not path.is_file():
        hint = "run `make setup`" if spec == "demo" else "check the path or CRATEDIGGER_DATA"
        raise CatalogError(
            f"catalog {spec!r}: no file at {path} ({hint}). Expected 'demo', 'musiccaps', 'jamendo', a "
            f".jsonl/.csv/.tsv/.parquet path, or FORMAT:PATH with FORMAT in {', '.join(FORMATS)}"
        )
    report = LoadReport(source=str(path))
    songs = load_songs(path, fmt, report)
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


def load_songs(path: Path, fmt: str, report: LoadReport) -> list[Song]:
    """Read ``path`` in format ``fmt`` (or ``auto``) into songs, filling ``report``."""
    if fmt in ("lp-musiccaps", "auto") and path.suffix.lower() == ".parquet":
        return dataset_readers.load_lp_musiccaps(dataset_readers.iter_parquet(path, report), report)
    text = read_text(path)
    if fmt == "auto":
        fmt = detect_format(path, text)
    delimiter = "\t" if path.suffix.lower() == ".tsv" or fmt == "jamendo" else ","
    if fmt == "jsonl":
        return load_generic(iter_jsonl(text, report), report, source=path.stem)
    rows = iter_csv(text, report, delimiter)
    if fmt == "csv":
        return load_generic(rows, report, source=path.stem)
    if fmt == "musiccaps":
        return dataset_readers.load_musiccaps(rows, report)
    if fmt == "jamendo":
        return dataset_readers.load_jamendo(rows, report)
    if fmt == "lp-musiccaps":
        return dataset_readers.load_lp_musiccaps(rows, report)
    raise CatalogError(f"unknown catalog format {fmt!r}; expected one of: {', '.join(FORMATS)}")
