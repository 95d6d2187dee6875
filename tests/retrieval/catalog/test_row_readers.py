from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.catalog import Catalog, load_catalog, resolve_spec
from retrieval.catalog.row_readers import parse_descriptors
from retrieval.errors import CatalogError
from retrieval.song import Song


def _jsonl(path: Path, rows: list[object]) -> Path:
    lines = ((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows)
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_parse_descriptors_forms() -> None:
    assert parse_descriptors(["a", " b ", "", None, "A"]) == ("a", "b")
    assert parse_descriptors("x, y;z |  w") == ("x", "y", "z", "w")
    assert parse_descriptors("['steel drums', \"it's calm\"]") == ("steel drums", "it's calm")
    assert parse_descriptors('["json", "list"]') == ("json", "list")
    assert parse_descriptors("  ") == ()
    with pytest.raises(ValueError, match="does not parse"):
        parse_descriptors("['unclosed")
    with pytest.raises(ValueError, match="should be text"):
        parse_descriptors([["nested"]])


def test_jsonl_loader_skips_and_reports_bad_rows(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "c.jsonl", [
        {"id": "a", "title": "A", "artist": "X", "descriptors": ["piano", "sad"], "year": 1999},
        {"title": "no id", "descriptors": ["x"]},
        {"id": "b", "descriptors": []},
        {"id": "a", "descriptors": ["dup"]},
        "{not json",
        "[1, 2]",
        {"id": "c", "descriptors": "rock; loud | fast", "url": "https://e.org/c", "mood": "angry"},
    ])
    catalog, report = load_catalog(str(path))
    assert [s.id for s in catalog] == ["a", "c"]
    assert catalog.by_id("c").descriptors == ("rock", "loud", "fast")
    assert catalog.by_id("a").extra == {"year": 1999}
    assert catalog.by_id("a").source == "c"  # file stem when the row names no source
    reasons = dict(report.skipped)
    assert reasons[2] == "no id"
    assert reasons[3] == "id 'b': empty descriptor list"
    assert reasons[4] == "duplicate id 'a' (first on line 1)"
    assert reasons[5].startswith("invalid JSON")
    assert reasons[6] == "expected a JSON object, got list"
    assert report.loaded == 2 and len(report.skipped) == 5
    assert "year, mood" in report.notes[0]
    assert "skipped 5 rows (line 2: no id;" in report.summary()


def test_non_utf8_bytes_skip_only_that_row(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_bytes(
        b'{"id": "a", "descriptors": ["ok"]}\n'
        b'{"id": "b", "descriptors": ["caf\xe9"]}\n'
        b'{"id": "c", "descriptors": ["fine"]}\n'
    )
    catalog, report = load_catalog(str(path))
    assert [s.id for s in catalog] == ["a", "c"]
    assert report.skipped == [(2, "undecodable bytes (the file is not valid UTF-8 here)")]


def test_csv_loader_with_unknown_columns_and_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "songs.csv"
    path.write_bytes(
        b"id,title,artist,descriptors,bpm\n"
        b's1,Song 1,Band,"guitar, loud",120\n'
        b's2,Song 2,Band,"",90\n'
        b",Song 3,Band,piano,80\n"
        b"s4,Song 4,Band,drums|bass,100,EXTRA\n"
        + b"s5,Caf\xe9,Band,horns,70\n"
        + "s6,Song 6,Bänd,strings;harp,60\n".encode()
    )
    catalog, report = load_catalog(str(path))
    assert [s.id for s in catalog] == ["s1", "s6"]
    assert catalog.by_id("s1").descriptors == ("guitar", "loud")
    assert catalog.by_id("s1").extra == {"bpm": "120"}
    assert catalog.by_id("s6").artist == "Bänd"
    assert report.skipped == [
        (3, "id 's2': empty descriptor list"),
        (4, "no id"),
        (5, "1 more fields than the header's 5"),
        (6, "undecodable bytes (not UTF-8) in column 'title'"),
    ]
    assert "bpm" in report.notes[0]


def test_zero_usable_rows_is_an_error_with_counts(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "bad.jsonl", [{"id": "a"}, {"descriptors": ["x"]}])
    with pytest.raises(CatalogError, match=r"no usable rows \(2 skipped\)"):
        load_catalog(str(path))


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="no file at"):
        load_catalog(str(tmp_path / "nope.jsonl"))
    odd = tmp_path / "songs.xml"
    odd.write_text("<songs/>")
    with pytest.raises(CatalogError, match="cannot tell the catalog format"):
        load_catalog(str(odd))


def test_spec_forms(tmp_path: Path) -> None:
    assert resolve_spec("demo")[0] == "jsonl"
    assert resolve_spec("musiccaps")[1].name == "musiccaps_train.csv"
    assert resolve_spec(f"lp-musiccaps:{tmp_path}/x.csv") == ("lp-musiccaps", tmp_path / "x.csv")
    assert resolve_spec("some/file.csv") == ("auto", Path("some/file.csv"))


def test_catalog_hash_and_round_trip(tmp_path: Path, catalog20_path: Path) -> None:
    catalog, report = load_catalog(str(catalog20_path))
    assert len(catalog) == 20 and not report.skipped
    out = tmp_path / "snap.jsonl"
    catalog.write_jsonl(out)
    again, _ = load_catalog(f"jsonl:{out}")
    assert again.content_hash() == catalog.content_hash()
    changed = Catalog([*catalog.songs[:-1], Song("s20", "x", "y", ("other",))])
    assert changed.content_hash() != catalog.content_hash()
    with pytest.raises(KeyError, match="no song with id 'zz'"):
        catalog.by_id("zz")
    with pytest.raises(CatalogError, match="duplicate"):
        Catalog([catalog.songs[0], catalog.songs[0]])
