from __future__ import annotations

import json
from pathlib import Path

import pytest

from retrieval.catalog import Catalog, load_catalog
from retrieval.errors import IndexMismatchError, QueryError
from retrieval.search.config import MatchConfig, SearchConfig
from retrieval.search.searcher import Searcher
from retrieval.song import Song

VOCAL_SONGS = {"s02", "s03", "s05", "s06", "s09", "s10", "s12", "s13", "s15", "s18", "s20"}


@pytest.fixture(scope="module")
def catalog(catalog20_path: Path) -> Catalog:
    return load_catalog(str(catalog20_path))[0]


@pytest.fixture(scope="module")
def searcher(catalog: Catalog, tiny_model_path: Path) -> Searcher:
    return Searcher.build(catalog, model=str(tiny_model_path))


def test_tropical_steel_drums_finds_s01(searcher: Searcher) -> None:
    result = searcher.search("tropical steel drums", k=5)
    assert result.songs[0].song.id == "s01"
    assert result.sets[0].song_ids == ["s01"] and result.sets[0].descriptors[0] == "steel drums"
    matched = {(m.query_phrase, m.descriptor) for m in result.songs[0].matches}
    assert ("tropical steel drums", "steel drums") in matched
    assert ("tropical steel drums", "tropical") in matched  # verbatim in the phrase
    assert len(result.songs) == 5 and len(result.sets) == 5
    assert [h.score for h in result.songs] == sorted((h.score for h in result.songs), reverse=True)


def test_multi_part_request_matches_each_phrase(searcher: Searcher) -> None:
    result = searcher.search("something sad with piano", k=3)
    top = result.songs[0]
    assert top.song.id == "s02"
    assert {(m.query_phrase, m.descriptor) for m in top.matches} >= {("sad", "sad"), ("piano", "piano")}


def test_avoid_vocals_removes_every_vocal_song(searcher: Searcher) -> None:
    result = searcher.search("upbeat music", k=20, avoid=["vocals"])
    ids = {h.song.id for h in result.songs}
    assert ids == {f"s{i:02d}" for i in range(1, 21)} - VOCAL_SONGS  # the 9 songs without vocals stay
    assert not any(h.avoided for h in result.songs)
    assert any("left out 11 song(s)" in n and "'vocals'" in n for n in result.notices)
    assert all(not set(s.song_ids) & VOCAL_SONGS for s in result.sets)


def test_avoid_demote_mode_lists_what_hit(catalog: Catalog, tiny_model_path: Path) -> None:
    demote = Searcher.build(catalog, model=str(tiny_model_path), retriever="tfidf",
                            config=SearchConfig(avoid_mode="demote"))
    result = demote.search("upbeat music", k=20, avoid=["vocals"])
    assert len(result.songs) == 20
    assert {h.song.id for h in result.songs[9:]} == VOCAL_SONGS
    s02 = next(h for h in result.songs if h.song.id == "s02")
    assert [(m.descriptor, m.query_phrase) for m in s02.avoided] == [("female vocals", "vocals")]


def test_include_boosts(searcher: Searcher) -> None:
    plain = [h.song.id for h in searcher.search("fast guitar", k=5).songs]
    boosted = searcher.search("fast guitar", k=5, include=["punk"])
    assert boosted.songs[0].song.id == "s12" and plain[0] != "s12"  # punk rock song moves to the top
    assert ("punk", "punk rock") in {(m.query_phrase, m.descriptor) for m in boosted.songs[0].matches}


def test_bad_queries(searcher: Searcher) -> None:
    for bad in ("", "   \n\t"):
        with pytest.raises(QueryError, match="empty request"):
            searcher.search(bad)
    with pytest.raises(QueryError, match="k must be at least 1"):
        searcher.search("piano", k=0)
    long = "calm piano " * 5000  # 55 kB
    result = searcher.search(long, k=3)
    assert len(result.query) <= 2000 and result.songs
    assert any("55,000 characters" in n and "first 1,99" in n for n in result.notices)


@pytest.mark.parametrize("name", ["tfidf", "bm25", "dense"])
def test_each_retriever_finds_s01(catalog: Catalog, tiny_model_path: Path, name: str) -> None:
    s = Searcher.build(catalog, model=str(tiny_model_path), retriever=name)
    assert s.retriever.name == name
    assert s.search("tropical steel drums", k=3).songs[0].song.id == "s01"


def test_sparse_notice_when_no_word_is_known(catalog: Catalog, tiny_model_path: Path) -> None:
    s = Searcher.build(catalog, model=str(tiny_model_path), retriever="bm25")
    assert any("none of the request's words" in n for n in s.search("zzqx", k=3).notices)


def test_save_load_round_trip_and_mismatch(searcher: Searcher, catalog: Catalog, tmp_path: Path,
                                           tiny_model_path: Path) -> None:
    out = tmp_path / "idx"
    manifest = searcher.save(out)
    assert manifest["index_type"] == "flat" and manifest["count"] == 20 and manifest["retriever"] == "hybrid"
    assert {p.name for p in out.iterdir()} == {
        "manifest.json", "index.faiss", "catalog.jsonl", "descriptors.json", "descriptor_vectors.npy"}
    loaded = Searcher.load(out, model=str(tiny_model_path), catalog=catalog)
    a = searcher.search("calm relaxing ambient", k=5, avoid=["piano"]).to_dict()
    b = loaded.search("calm relaxing ambient", k=5, avoid=["piano"]).to_dict()
    assert a == b

    with pytest.raises(IndexMismatchError, match=r"model_id: index has .*expected 'minilm'") as err:
        Searcher.load(out, model="minilm")
    assert "cratedigger index --catalog" in str(err.value) and "--model minilm" in str(err.value)

    other = Catalog([*catalog.songs[:19], Song("s20", "Changed", "X", ("polka",))], name="changed")
    with pytest.raises(IndexMismatchError, match="catalog_hash"):
        Searcher.load(out, catalog=other)

    snapshot = out / "catalog.jsonl"
    rows = snapshot.read_text().splitlines()
    snapshot.write_text("\n".join(rows[:-1]) + "\n")
    with pytest.raises(IndexMismatchError, match="was modified"):
        Searcher.load(out)


def test_stale_model_weights_are_detected(searcher: Searcher, tmp_path: Path, tiny_model_path: Path) -> None:
    import shutil

    model_copy = tmp_path / "model"
    shutil.copytree(tiny_model_path, model_copy)
    s = Searcher.build(searcher.catalog, model=str(model_copy), retriever="tfidf")
    s.save(tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "manifest.json").read_text())
    assert manifest["index_type"] == "none" and manifest["model_id"] == str(model_copy)
    config = model_copy / "config.json"
    config.write_text(config.read_text().replace("{", '{"retrained": true,', 1))
    with pytest.raises(IndexMismatchError, match="model_hash"):
        Searcher.load(tmp_path / "idx")


def test_search_reports_its_own_step_timings(searcher: Searcher) -> None:
    result = searcher.search("sad piano", k=2)
    assert set(result.timings_ms) == {"encode", "search"}
    assert all(v >= 0 for v in result.timings_ms.values())
    assert "timings_ms" not in result.to_dict()  # the JSON form is unchanged


def test_match_settings_are_stored_flat_and_older_manifests_load(searcher: Searcher, tmp_path: Path,
                                                                 catalog: Catalog) -> None:
    custom = Searcher(searcher.catalog, searcher.table, searcher.retriever, searcher.encoder,
                      searcher.matcher, SearchConfig(match=MatchConfig(avoid_z=5.0)), searcher.manifest)
    custom.manifest = {**custom.manifest, "search_config": custom.config.to_dict()}
    custom.save(tmp_path / "idx")
    path = tmp_path / "idx" / "manifest.json"
    manifest = json.loads(path.read_text())
    stored = manifest["search_config"]
    assert "match" not in stored and stored["avoid_z"] == 5.0 and stored["match_z"] == 3.0
    for key in ("avoid_strict_z", "avoid_strict_threshold"):  # what an index from before the grouping lacks
        del stored[key]
    path.write_text(json.dumps(manifest))
    loaded = Searcher.load(tmp_path / "idx", catalog=catalog)
    assert loaded.config.match == MatchConfig(avoid_z=5.0)
    assert loaded.matcher.config.avoid_z == 5.0
