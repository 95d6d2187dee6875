"""Row readers for catalog files: decoding, generic JSONL/CSV, descriptor parsing, and the song builder.

Every row becomes a ``Song`` or a ``(line, reason)`` entry in the ``LoadReport``: rows without an id,
with an empty descriptor list, with a duplicate id, with undecodable (non-UTF-8) bytes, that do not
parse, or that break a length limit are skipped and counted, never dropped silently; CSV lines merged
by a stray quote are reported line by line (``retrieval.catalog.csv_rows``). Columns the generic format does
not know go to ``song.extra`` and are named once in the report's notes.

Rows over a length limit (one descriptor, descriptors per song, any field) are skipped with the
reason; the limits and how to change them are in ``retrieval.catalog.row_limits``.

Out of scope: dataset-specific layouts (``retrieval.catalog.dataset_readers``), choosing the format
from a spec (``retrieval.catalog.formats``) and dispatching to a reader (``retrieval.catalog.catalog``).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from retrieval.catalog.csv_rows import has_bad_bytes
from retrieval.catalog.report import LoadReport
from retrieval.catalog.row_limits import descriptor_problem, over_limit, shown
from retrieval.errors import CatalogError
from retrieval.song import Song

ID_KEYS = ("id", "song_id", "track_id", "ytid")
TITLE_KEYS = ("title", "name", "song")
ARTIST_KEYS = ("artist", "artist_name")
DESCRIPTOR_KEYS = ("descriptors", "tags", "aspect_list", "tag_top188", "tag", "tag_top50")
URL_KEYS = ("url", "link")
_SPLIT = re.compile(r"[,;|]")
_SPACES = re.compile(r"\s+")


def read_text(path: Path) -> str:
    """File contents as text; undecodable bytes survive as lone surrogates so rows can be reported."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read catalog {path}: {exc}") from exc
    return data.decode("utf-8-sig", errors="surrogateescape")


def parse_descriptors(value: Any) -> tuple[str, ...]:
    """Descriptors from a list, a JSON/Python list literal, or a string separated by ``,`` ``;`` or ``|``.

    Whitespace is collapsed, empty items dropped, and case-insensitive duplicates removed (first kept).

    Raises:
        ValueError: a list literal that does not parse, or items that are not text.

    Example:
        >>> parse_descriptors("['steel drums', 'tropical']")
        ('steel drums', 'tropical')
        >>> parse_descriptors("piano; sad | slow tempo,  piano")
        ('piano', 'sad', 'slow tempo')
    """
    if value is None:
        return ()
    if isinstance(value, str):
        text = value.strip()
        items = _parse_list_literal(text) if text.startswith("[") else _SPLIT.split(text)
    elif hasattr(value, "tolist"):
        items = list(value.tolist())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise ValueError(f"descriptors should be a list or a string, got {type(value).__name__}")
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        if item is None:
            continue
        if isinstance(item, (dict, list, tuple)):
            raise ValueError(f"descriptor items should be text, got {type(item).__name__}")
        phrase = _SPACES.sub(" ", str(item)).strip()
        if phrase and phrase.lower() not in seen:
            seen.add(phrase.lower())
            out.append(phrase)
    return tuple(out)


def _parse_list_literal(text: str) -> list[Any]:
    try:
        items = json.loads(text)
    except json.JSONDecodeError:
        try:
            items = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError) as exc:
            raise ValueError(f"descriptor list literal does not parse ({type(exc).__name__})") from None
    if not isinstance(items, (list, tuple)):
        raise ValueError(f"descriptor list literal is a {type(items).__name__}, not a list")
    return list(items)


def is_blank(value: Any) -> bool:
    """True for None and whitespace-only strings (values not worth keeping in ``song.extra``)."""
    return value is None or (isinstance(value, str) and not value.strip())


def text_field(value: Any) -> str:
    """A scalar field as stripped text ("" for None)."""
    return "" if value is None else str(value).strip()


def first_present(row: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str | None, Any]:
    """The first key of ``keys`` present in ``row`` with a non-empty value, and that value."""
    for key in keys:
        value = row.get(key)
        if value is not None and not (isinstance(value, str) and not value.strip()):
            if hasattr(value, "__len__") and not isinstance(value, str) and len(value) == 0:
                continue
            return key, value
    return None, None


class SongBuilder:
    """Turns mapped rows into songs, skipping and reporting bad ones (no id, no descriptors, duplicates)."""

    def __init__(self, report: LoadReport, source: str) -> None:
        self.report = report
        self.source = source
        self.seen: dict[str, int] = {}
        self.songs: list[Song] = []

    def add(self, line: int, song_id: Any, descriptors: Any, **fields: Any) -> Song | None:
        """Validate and keep one song; returns it, or None when the row was skipped (and reported)."""
        sid = text_field(song_id)
        if not sid:
            self.report.skip(line, "no id")
            return None
        parsed = self._descriptors(line, sid, descriptors, fields)
        if parsed is None:
            return None
        if sid in self.seen:
            self.report.skip(line, f"duplicate id {shown(sid)} (first on line {self.seen[sid]})")
            return None
        self.seen[sid] = line
        song = Song(
            id=sid,
            title=text_field(fields.get("title")),
            artist=text_field(fields.get("artist")),
            descriptors=parsed,
            url=text_field(fields.get("url")),
            license=text_field(fields.get("license")),
            source=text_field(fields.get("source")) or self.source,
            extra={k: v for k, v in (fields.get("extra") or {}).items() if not is_blank(v)},
        )
        self.songs.append(song)
        return song

    def _descriptors(self, line: int, sid: str, descriptors: Any,
                     fields: Mapping[str, Any]) -> tuple[str, ...] | None:
        """The parsed descriptors, or None after reporting why the row is skipped (limits, parsing)."""
        extra = fields.get("extra") or {}
        problem = over_limit({"id": sid, "descriptors": descriptors, **fields, **extra})
        if problem is None:
            try:
                parsed = parse_descriptors(descriptors)
            except ValueError as exc:
                problem = str(exc)
            else:
                problem = descriptor_problem(parsed)
        if problem is None:
            return parsed
        self.report.skip(line, f"id {shown(sid)}: {problem}")
        return None


def iter_jsonl(text: str, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, object)`` per non-blank line; bad JSON, non-objects and undecodable bytes are reported."""
    stripped = text.lstrip()
    if stripped.startswith("["):  # a .json file holding one array of objects
        yield from _iter_json_array(stripped, report)
        return
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if has_bad_bytes(line):
            report.skip(line_no, "undecodable bytes (the file is not valid UTF-8 here)")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            report.skip(line_no, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(obj, dict):
            report.skip(line_no, f"expected a JSON object, got {type(obj).__name__}")
            continue
        yield line_no, obj


def _iter_json_array(text: str, report: LoadReport) -> Iterator[tuple[int, dict[str, Any]]]:
    if has_bad_bytes(text):
        raise CatalogError(f"{report.source}: undecodable bytes (not UTF-8) in a JSON array file")
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{report.source}: invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    for item_no, obj in enumerate(items, start=1):
        if isinstance(obj, dict):
            yield item_no, obj
        else:
            report.skip(item_no, f"array item {item_no} is a {type(obj).__name__}, not an object")


def load_generic(rows: Iterator[tuple[int, dict[str, Any]]], report: LoadReport, source: str) -> list[Song]:
    """Songs from rows in the generic layout (id/title/artist/descriptors/url/license/source + extras)."""
    builder = SongBuilder(report, source)
    unknown: dict[str, None] = {}
    known = {*ID_KEYS, *TITLE_KEYS, *ARTIST_KEYS, *DESCRIPTOR_KEYS, *URL_KEYS, "license", "source"}
    for line, row in rows:
        id_key, song_id = first_present(row, ID_KEYS)
        desc_key, descriptors = first_present(row, DESCRIPTOR_KEYS)
        consumed = known - (set(ID_KEYS + DESCRIPTOR_KEYS) - {id_key, desc_key})
        extra = {k: v for k, v in row.items() if k not in consumed and not is_blank(v)}
        for key in row:
            if key not in known:
                unknown.setdefault(key)
        builder.add(
            line, song_id, descriptors,
            title=first_present(row, TITLE_KEYS)[1], artist=first_present(row, ARTIST_KEYS)[1],
            url=first_present(row, URL_KEYS)[1], license=row.get("license"), source=row.get("source"),
            extra=extra,
        )
    if unknown:
        report.notes.append(f"columns kept in song.extra (not in the generic format): {', '.join(unknown)}")
    return builder.songs
