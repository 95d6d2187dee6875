"""CSV/TSV records with every lost line accounted for: stray quotes are caught, not silently merged.

A quote that opens a field and is never closed on its line (``s10,"Song 10,piano``) makes the CSV
reader take every following line, up to the next quote or the end of the file, as part of that one
field: 100 rows with one such quote read as 10 records, and two of them merge the rows in between
into one garbled song. Both used to pass without a word. ``iter_csv`` compares each record with the
physical lines it spans: a record that spans several lines, one of which would on its own parse as a
complete row (as many fields as the header), swallowed rows. The record is skipped, and every line of
it is reported in the ``LoadReport`` (the first naming where the quote opened and closed), so no line
of the file is lost unreported. Records that span lines without containing such a line are real
multi-line values (a caption with a line break, as in MusicCaps) and are kept; a note names them.

Out of scope: mapping records to songs (``retrieval.catalog.row_readers``,
``retrieval.catalog.dataset_readers``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from retrieval.catalog.report import LoadReport
from retrieval.errors import CatalogError

csv.field_size_limit(1 << 24)  # the CSV module's cap per field; rows are limited by catalog.row_limits
_BAD_BYTES = re.compile("[\udc80-\udcff]")


def has_bad_bytes(text: str) -> bool:
    """True when ``text`` holds bytes that were not valid UTF-8 (``row_readers.read_text`` keeps them)."""
    return bool(_BAD_BYTES.search(text))


def _looks_like_row(line: str, delimiter: str, n_fields: int) -> bool:
    """True when ``line`` parsed alone has exactly the header's number of fields (and more than one)."""
    try:
        fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return False
    return n_fields > 1 and len(fields) == n_fields


def _report_swallowed(report: LoadReport, lines: list[str], first: int, last: int) -> None:
    report.skip(first, f"a quoted field opens on this line and runs to line {last} (a stray quote?): lines "
                       f"{first}-{last} were read as one row and are skipped")
    for number in range(first + 1, last + 1):
        if lines[number - 1].strip():
            report.skip(number, f"inside the quoted field opened on line {first}")


def _spans_note(spans: list[tuple[int, int]], show: int = 3) -> str:
    shown = ", ".join(f"lines {a}-{b}" for a, b in spans[:show]) + (", ..." if len(spans) > show else "")
    rows = f"{len(spans)} rows span" if len(spans) != 1 else "1 row spans"
    return f"{rows} several lines (line breaks inside quoted fields): {shown}"


def iter_csv(text: str, report: LoadReport, delimiter: str = ",") -> Iterator[tuple[int, dict[str, Any]]]:
    """``(first line, row)`` per CSV record; swallowed lines, bad bytes and extra fields are reported.

    Raises:
        CatalogError: the file is empty, the header has undecodable bytes or spans several lines, or the
            CSV module fails (e.g. a NUL byte).
    """
    lines = io.StringIO(text, newline="").readlines()  # physical lines, exactly as the CSV reader sees them
    reader = csv.DictReader(lines, delimiter=delimiter)
    try:
        fieldnames = reader.fieldnames
        if not fieldnames:
            raise CatalogError(f"{report.source}: empty file, expected a header row")
        if any(has_bad_bytes(name) for name in fieldnames):
            raise CatalogError(f"{report.source}: the header row has undecodable (non-UTF-8) bytes")
        if reader.line_num > 1:
            raise CatalogError(f"{report.source}: the header row runs over lines 1-{reader.line_num} (a "
                               "stray quote in the header?); fix the header so it is one line")
        yield from _records(reader, lines, report, delimiter, len(fieldnames))
    except csv.Error as exc:
        raise CatalogError(f"{report.source}: CSV error near line {reader.line_num}: {exc}") from exc


def _records(reader: csv.DictReader[str], lines: list[str], report: LoadReport, delimiter: str,
             n_fields: int) -> Iterator[tuple[int, dict[str, Any]]]:
    previous, spans = reader.line_num, []
    for row in reader:
        first, last = previous + 1, reader.line_num
        previous = last
        while first < last and not lines[first - 1].strip():  # blank lines before the record
            first += 1
        if last > first:
            if any(_looks_like_row(lines[n - 1], delimiter, n_fields) for n in range(first + 1, last + 1)):
                _report_swallowed(report, lines, first, last)
                continue
            spans.append((first, last))
        if None in row:
            report.skip(first, f"{len(row[None])} more fields than the header's {n_fields}")
            continue
        bad = [k for k, v in row.items() if isinstance(v, str) and has_bad_bytes(v)]
        if bad:
            report.skip(first, f"undecodable bytes (not UTF-8) in column {bad[0]!r}")
            continue
        yield first, row
    if spans:
        report.notes.append(_spans_note(spans))


def csv_header(text: str, delimiter: str) -> list[str]:
    """The header fields of a CSV text (for format detection)."""
    first = next(csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter), [])
    return [f.strip() for f in first]
