"""Over-long catalog fields: a 10 MB descriptor or title is reported and skipped, whatever the format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog, row_limits

ROWS = [f"s{i},Song {i},piano;calm" for i in range(1, 6)]  # lines 2-6


def _csv(path: Path, row3: str) -> Path:
    rows = [*ROWS[:2], row3, *ROWS[3:]]
    path.write_text("id,title,descriptors\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("row", "reason"), [
    ("s3,Song 3," + "x" * 10_000_000,
     "id 's3': field 'descriptors' is 10,000,000 characters, over the limit of 20,000 "
     "(retrieval.catalog.row_limits.MAX_FIELD_CHARS)"),
    ("s3,Song 3,piano;" + "y" * 300,
     "id 's3': descriptor 2 is 300 characters, over the limit of 200 "
     "(retrieval.catalog.row_limits.MAX_DESCRIPTOR_CHARS)"),
    ("s3,Song 3," + ";".join(f"d{i}" for i in range(600)),
     "id 's3': 600 descriptors, over the limit of 500 (retrieval.catalog.row_limits.MAX_DESCRIPTORS)"),
    ("s3," + "t" * 10_000_000 + ",piano",
     "id 's3': field 'title' is 10,000,000 characters, over the limit of 20,000 "
     "(retrieval.catalog.row_limits.MAX_FIELD_CHARS)"),
], ids=["10 MB descriptor cell", "300-character descriptor", "600 descriptors", "10 MB title"])
def test_csv_rows_over_a_limit_are_reported(row: str, reason: str, tmp_path: Path) -> None:
    catalog, report = load_catalog(str(_csv(tmp_path / "songs.csv", row)))
    assert [s.id for s in catalog] == ["s1", "s2", "s4", "s5"]
    assert report.skipped == [(4, reason)]


def test_jsonl_descriptor_and_extra_field_limits(tmp_path: Path) -> None:
    rows = [{"id": "a", "descriptors": ["piano"]}, {"id": "b", "descriptors": ["z" * 10_000_000]},
            {"id": "c", "descriptors": ["piano"], "caption": "c" * 30_000},
            {"id": "d" * 100, "descriptors": "x"}]
    path = tmp_path / "songs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    catalog, report = load_catalog(str(path))
    assert [s.id for s in catalog] == ["a", "d" * 100]
    assert [line for line, _ in report.skipped] == [2, 3]
    assert "field 'descriptors' is 10,000,004 characters"  # as JSON in report.skipped[0][1]
    assert report.skipped[1][1].startswith("id 'c': field 'caption' is 30,000 characters")


def test_limits_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(row_limits, "MAX_DESCRIPTOR_CHARS", 5)
    _, report = load_catalog(str(_csv(tmp_path / "songs.csv", "s3,Song 3,strings")))
    assert report.loaded == 4
    assert report.skipped == [(4, "id 's3': descriptor 1 is 7 characters, over the limit of 5 "
                                  "(retrieval.catalog.row_limits.MAX_DESCRIPTOR_CHARS)")]
