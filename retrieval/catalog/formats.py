"""Catalog specs and formats: ``FORMATS``, splitting a spec into ``(format, path)``, and format detection.

A spec is ``demo`` (the embedded catalog, package data of ``assets``), ``musiccaps`` / ``jamendo`` (the
files under ``$CRATEDIGGER_DATA``, ``retrieval.paths``), a path, or ``FORMAT:PATH``. A path given
without a format is recognised by its suffix and, for CSV/TSV, by its header.

Out of scope: reading the rows (``retrieval.catalog.row_readers``, ``retrieval.catalog.dataset_readers``)
and building the catalog (``retrieval.catalog.catalog``).
"""

from __future__ import annotations

from pathlib import Path

from retrieval.catalog.csv_rows import csv_header
from retrieval.errors import CatalogError
from retrieval.paths import data_dir, demo_catalog_path

FORMATS = ("jsonl", "csv", "musiccaps", "jamendo", "lp-musiccaps")


def resolve_spec(spec: str) -> tuple[str, Path]:
    """Split a catalog spec into ``(format, path)``; the format may be ``auto``.

    Example:
        >>> resolve_spec("jamendo:/data/tracks.tsv")
        ('jamendo', PosixPath('/data/tracks.tsv'))
        >>> resolve_spec("demo")[1].name
        'demo_catalog.jsonl'
    """
    spec = spec.strip()
    if spec == "demo":
        return "jsonl", demo_catalog_path()
    if spec == "musiccaps":
        return "musiccaps", data_dir() / "musiccaps" / "musiccaps_train.csv"
    if spec == "jamendo":
        return "jamendo", data_dir() / "jamendo" / "tracks.tsv"
    fmt, sep, rest = spec.partition(":")
    if sep and fmt.lower() in FORMATS:
        return fmt.lower(), Path(rest).expanduser()
    return "auto", Path(spec).expanduser()


def detect_format(path: Path, text: str) -> str:
    """Pick a format for a path given without ``FORMAT:`` from its suffix and header.

    Example:
        >>> detect_format(Path("songs.csv"), "ytid,aspect_list,start_s,caption\\n")
        'musiccaps'
    """
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffix not in (".csv", ".tsv"):
        raise CatalogError(
            f"{path}: cannot tell the catalog format from the suffix {suffix!r}; expected .jsonl, .csv, .tsv "
            f"or .parquet, or say it as FORMAT:PATH ({', '.join(FORMATS)})"
        )
    header = set(csv_header(text, "\t" if suffix == ".tsv" else ","))
    if {"track_id", "tags"} <= header and suffix == ".tsv":
        return "jamendo"
    if {"ytid", "aspect_list", "start_s", "caption"} <= header:
        return "musiccaps"
    if header & {"caption_writing", "tag_top188", "tag_top50"} or ({"track_id", "tag"} <= header):
        return "lp-musiccaps"
    return "csv"
