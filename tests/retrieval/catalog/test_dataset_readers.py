from __future__ import annotations

import time
from pathlib import Path

import pytest

from retrieval.catalog import load_catalog
from retrieval.catalog.dataset_readers import jamendo_descriptor


def test_musiccaps_rows(tmp_path: Path) -> None:
    path = tmp_path / "mc.csv"
    path.write_text(
        "ytid,start_s,end_s,audioset_positive_labels,aspect_list,caption,author_id,is_balanced_subset,is_audioset_eval\n"
        "abc,30,40,/m/1,\"['steel drums', 'tropical']\",\"Steel drums play. It is sunny.\",4,False,False\n"
        "def,0,10,/m/2,\"[]\",Empty list.,4,False,False\n"
        "ghi,10,20,/m/3,\"['broken'\",Bad literal.,4,False,False\n"
        "abc,50,60,/m/1,\"['dup']\",Duplicate ytid.,4,False,False\n",
        encoding="utf-8",
    )
    catalog, report = load_catalog(str(path))  # detected from the header
    song = catalog.by_id("abc")
    assert song.descriptors == ("steel drums", "tropical")
    assert song.url == "https://www.youtube.com/watch?v=abc&t=30s"
    assert song.extra["caption"] == "Steel drums play. It is sunny."
    assert song.extra["ytid"] == "abc" and song.extra["start_s"] == 30 and song.source == "musiccaps"
    assert [r for r, _ in report.skipped] == [3, 4, 5]
    assert "empty descriptor list" in report.skipped[0][1]
    assert "does not parse" in report.skipped[1][1]
    assert "duplicate id 'abc'" in report.skipped[2][1]


def test_jamendo_rows(tmp_path: Path) -> None:
    path = tmp_path / "tracks.tsv"
    path.write_text(
        "track_id\tsplit\tartist_id\talbum_id\tduration\ttitle\tartist\tlicense\ttags\n"
        "track_0000214\ttest\tartist_1\talbum_1\t124.6\tIntro\tDavid\tCC BY\t"
        "genre---punkrock,instrument---guitar\n"
        "track_0000300\ttrain\tartist_2\talbum_2\t90.0\t\t\t\tmood/theme---happy,genre---hiphop\n"
        "track_0000301\ttrain\tartist_2\talbum_2\t90.0\t\t\t\t\n",
        encoding="utf-8",
    )
    catalog, report = load_catalog(f"jamendo:{path}")
    first = catalog.by_id("track_0000214")
    assert first.descriptors == ("punk rock", "guitar")
    assert first.url == "https://www.jamendo.com/track/214"
    assert first.title == "Intro" and first.license == "CC BY"
    assert first.extra["duration"] == 124.6 and first.extra["split"] == "test"
    assert catalog.by_id("track_0000300").descriptors == ("happy", "hip hop")
    assert report.skipped == [(4, "id 'track_0000301': empty descriptor list")]


def test_jamendo_descriptor_table() -> None:
    assert jamendo_descriptor("genre---drumnbass") == "drum and bass"
    assert jamendo_descriptor("instrument---electricguitar") == "electric guitar"
    assert jamendo_descriptor("genre---rock") == "rock"
    assert jamendo_descriptor("mood/theme---film") == "film music"


def test_lp_musiccaps_layouts(tmp_path: Path) -> None:
    mtt = tmp_path / "mtt.csv"
    mtt.write_text(
        "track_id,title,artist,tag_top50,tag_top188,caption_writing,caption_summary\n"
        "1,T1,A1,\"['rock']\",\"['rock', 'guitar']\",A rock song with guitar.,Rock.\n"
        "2,T2,A2,\"['piano']\",\"[]\",Piano.,Piano.\n",
        encoding="utf-8",
    )
    catalog, report = load_catalog(str(mtt))
    song = catalog.by_id("1")
    assert song.descriptors == ("rock", "guitar") and song.title == "T1"
    assert song.extra["caption"] == "A rock song with guitar." and song.extra["caption_summary"] == "Rock."
    # tag_top188 empty: falls back to tag_top50
    assert catalog.by_id("2").descriptors == ("piano",) and not report.skipped

    msd = tmp_path / "msd.csv"
    msd.write_text("track_id,tag,caption_writing\nTR1,\"['jazz', 'smooth']\",Jazz.\n", encoding="utf-8")
    assert load_catalog(f"lp-musiccaps:{msd}")[0].by_id("TR1").descriptors == ("jazz", "smooth")

    mc = tmp_path / "mc.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"ytid": ["y1"], "start_s": [30], "aspect_list": ["['calm', 'flute']"],
                             "caption_writing": ["A calm flute."]}), mc)
    song = load_catalog(str(mc))[0].by_id("y1")
    assert song.descriptors == ("calm", "flute") and song.url.endswith("v=y1&t=30s")


@pytest.mark.realdata
def test_real_musiccaps(shared_data: Path) -> None:
    catalog, report = load_catalog(f"musiccaps:{shared_data / 'musiccaps' / 'musiccaps_train.csv'}")
    assert len(catalog) == 2663 and report.loaded == 2663
    song = catalog.by_id("-0SdAVK79lg")
    assert song.descriptors[:2] == ("guitar song", "piano backing")
    assert song.url == "https://www.youtube.com/watch?v=-0SdAVK79lg&t=30s"
    assert song.extra["caption"].startswith("This song features an electric guitar")


@pytest.mark.realdata
def test_real_jamendo_loads_fast(shared_data: Path) -> None:
    start = time.perf_counter()
    catalog, report = load_catalog(f"jamendo:{shared_data / 'jamendo' / 'tracks.tsv'}")
    elapsed = time.perf_counter() - start
    assert len(catalog) + len(report.skipped) == 55525
    assert elapsed < 10, f"loading 55k Jamendo rows took {elapsed:.1f}s"
    song = catalog.by_id("track_0000214")
    assert song.descriptors == ("punk rock",) and song.url == "https://www.jamendo.com/track/214"
    assert all("---" not in d for s in catalog.songs[:2000] for d in s.descriptors)
