"""A stray quote in a CSV/TSV catalog: every line it swallows is reported, none is lost silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.errors import CatalogError

ROWS = [f"s{i:03d},Song {i},piano;calm" for i in range(1, 101)]  # data lines 2-101 (the header is line 1)
STRAY_10, STRAY_20 = 's010,"Song 10,piano', 's020,"Song 20,piano'


def _write(path: Path, rows: list[str], header: str = "id,title,descriptors") -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _with(rows: list[str], **at: str) -> list[str]:
    out = list(rows)
    for key, value in at.items():
        out[int(key[1:]) - 1] = value
    return out


@pytest.mark.parametrize(("rows", "loaded", "lines"), [
    (_with(ROWS, r10=STRAY_10), 9, range(11, 102)),  # nothing closes the quote: it runs to the end
    (_with(ROWS, r10=STRAY_10, r20=STRAY_20), 89, range(11, 22)),  # the second quote closes the first
    (_with([f'{r.rsplit(",", 1)[0]},"piano, calm"' for r in ROWS], r10=STRAY_10), 98, range(11, 13)),
], ids=["one stray quote", "two stray quotes", "closed by the next row's quoted field"])
def test_stray_quotes_report_every_swallowed_line(rows: list[str], loaded: int, lines: range,
                                                  tmp_path: Path) -> None:
    catalog, report = load_catalog(str(_write(tmp_path / "songs.csv", rows)))
    assert len(catalog) == report.loaded == loaded
    assert [line for line, _ in report.skipped] == list(lines)
    assert loaded + len(report.skipped) == 100  # every data line is a song or a reported skip
    first, last = lines[0], lines[-1]
    assert report.skipped[0] == (first, f"a quoted field opens on this line and runs to line {last} (a stray "
                                        f"quote?): lines {first}-{last} were read as one row and are skipped")
    assert report.skipped[1] == (first + 1, f"inside the quoted field opened on line {first}")
    assert f"s{first - 2:03d}" in catalog and f"s{first - 1:03d}" not in catalog  # row i is on line i + 1
    assert last == 101 or f"s{last:03d}" in catalog  # the row after the swallowed lines is kept


def test_tsv_stray_quote_in_a_title(tmp_path: Path) -> None:
    rows = [r.replace(",", "\t", 2) for r in _with(ROWS, r50='s050,"Song 50,piano')]
    _, report = load_catalog(str(_write(tmp_path / "songs.tsv", rows, "id\ttitle\tdescriptors")))
    assert report.loaded == 49 and [line for line, _ in report.skipped] == list(range(51, 102))


def test_a_real_multi_line_field_is_kept_and_noted(tmp_path: Path) -> None:
    rows = _with([r + ",ok" for r in ROWS], r5='s005,Song 5,piano,"first line\nsecond line"')
    catalog, report = load_catalog(str(_write(tmp_path / "songs.csv", rows, "id,title,descriptors,caption")))
    assert report.loaded == 100 and not report.skipped
    assert catalog.by_id("s005").extra["caption"] == "first line\nsecond line"
    assert "1 row spans several lines (line breaks inside quoted fields): lines 6-7" in report.notes
    assert catalog.by_id("s006").title == "Song 6"


def test_a_header_swallowed_by_a_quote_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "songs.csv", ROWS[:3], 'id,"title,descriptors')
    with pytest.raises(CatalogError, match="the header row runs over lines 1-4"):
        load_catalog(str(path))
