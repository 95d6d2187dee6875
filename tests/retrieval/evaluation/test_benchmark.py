"""Tests for retrieval.evaluation.benchmark: sentence splitting, the dev split, set sampling, BEIR files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.catalog import load_catalog
from retrieval.errors import BenchmarkError
from retrieval.evaluation.benchmark import (
    DEV_REQUEST_TEMPLATES,
    caption_of,
    is_dev_track,
    make_benchmark,
    request_query,
    sample_descriptor_set,
    select_split,
    split_sentences,
    verbatim_descriptors,
)
from retrieval.evaluation.evaluate import load_beir
from retrieval.song import Song

FIXTURE_CSV = Path(__file__).parents[2] / "fixtures" / "musiccaps20.csv"


def _song(sid: str, caption: str, descriptors: tuple[str, ...]) -> Song:
    return Song(sid, "", "", descriptors, extra={"caption": caption, "ytid": sid})


@pytest.fixture(scope="module")
def fixture_songs() -> list[Song]:
    catalog, report = load_catalog(f"musiccaps:{FIXTURE_CSV}")
    assert report.loaded == 20 and not report.skipped
    return list(catalog.songs)


def test_split_sentences() -> None:
    assert split_sentences("A calm piano song. Female vocals sing softly.") == [
        "A calm piano song",
        "Female vocals sing softly",
    ]
    assert split_sentences("  One.  Two  ") == ["One", "Two"]
    assert split_sentences("") == []
    assert split_sentences("version 2.5 of a song. Next") == ["version 2.5 of a song", "Next"]


def test_verbatim_descriptors_are_whole_words_ignoring_case() -> None:
    assert verbatim_descriptors("A Slow Tempo pop song", ["slow tempo", "pop", "rock"]) == [
        "slow tempo",
        "pop",
    ]
    assert verbatim_descriptors("a popular rocking tune", ["pop", "rock"]) == []
    assert verbatim_descriptors("lo-fi beats", ["lo-fi"]) == ["lo-fi"]


def test_is_dev_track_is_fixed_and_about_fifteen_percent() -> None:
    ids = [f"track{i}" for i in range(20_000)]
    share = sum(map(is_dev_track, ids)) / len(ids)
    assert 0.14 < share < 0.16
    assert [is_dev_track(i) for i in ids[:50]] == [is_dev_track(i) for i in ids[:50]]


def test_sample_descriptor_set_properties() -> None:
    sentence = "A sad piano ballad with female vocals"
    descriptors = ("piano", "sad", "female vocals", "slow tempo", "melancholic", "rock")
    verbatim = {"piano", "sad", "female vocals"}
    seen = set()
    for seed in range(200):
        sampled = sample_descriptor_set(sentence, descriptors, np.random.default_rng(seed))
        assert sampled is not None
        inside = [d for d in sampled if d in verbatim]
        outside = [d for d in sampled if d not in verbatim]
        assert inside, "at least one verbatim descriptor"
        assert len(outside) <= len(inside), "up to as many other descriptors as verbatim ones"
        assert sampled == [d for d in descriptors if d in sampled], "keeps the track's order"
        seen.add(tuple(sampled))
    assert len(seen) > 20  # really random


def test_sample_descriptor_set_none_without_verbatim() -> None:
    assert sample_descriptor_set("Nobody sings", ("piano",), np.random.default_rng(0)) is None


def test_request_query_uses_a_dev_template() -> None:
    rng = np.random.default_rng(3)
    queries = [request_query("Soft piano plays", ["soft piano", "calm"], rng) for _ in range(60)]
    prefixes = {t.split("{")[0] for t in DEV_REQUEST_TEMPLATES}
    assert all(any(q.startswith(p) for p in prefixes) for q in queries)
    assert len(set(queries)) > 8
    assert any("soft piano plays" in q for q in queries)  # sentence templates lower-case the first letter


def test_make_benchmark_sentence_on_fixture(fixture_songs: list[Song], tmp_path: Path) -> None:
    stats = make_benchmark(fixture_songs, tmp_path / "b", seed=0, variant="sentence")
    # 20 captions x 3 sentences; by hand, only 4 third sentences (s03, s06, s09, s12) name a descriptor
    assert (stats.sentences, stats.sentences_dropped, stats.queries) == (60, 16, 44)
    data = load_beir(tmp_path / "b")
    assert len(data.query_ids) == 44 and len(data.doc_ids) == stats.documents <= 44
    docs = dict(zip(data.doc_ids, data.doc_texts, strict=True))
    songs = {s.id: s for s in fixture_songs}
    for qid, text in zip(data.query_ids, data.query_texts, strict=True):
        (doc_id,) = data.qrels[qid]
        parts = docs[doc_id].split(", ")
        song = songs[qid.split("#")[0]]
        assert set(parts) <= set(song.descriptors)
        assert set(parts) & set(verbatim_descriptors(text, song.descriptors))
    first = (tmp_path / "b" / "qrels" / "test.tsv").read_text().splitlines()[0]
    assert first == "query-id\tcorpus-id\tscore"


def test_make_benchmark_is_deterministic_per_seed(fixture_songs: list[Song], tmp_path: Path) -> None:
    make_benchmark(fixture_songs, tmp_path / "a", seed=1)
    make_benchmark(fixture_songs, tmp_path / "b", seed=1)
    make_benchmark(fixture_songs, tmp_path / "c", seed=2)
    corpus = [(tmp_path / n / "corpus.jsonl").read_text() for n in "abc"]
    assert corpus[0] == corpus[1] != corpus[2]
    # a track's sets do not depend on the other tracks: benchmark one song alone
    make_benchmark(fixture_songs[:1], tmp_path / "one", seed=1)
    alone = load_beir(tmp_path / "one")
    full = load_beir(tmp_path / "a")
    full_docs = dict(zip(full.doc_ids, full.doc_texts, strict=True))
    for qid in alone.query_ids:
        assert (
            alone.doc_texts[alone.doc_ids.index(next(iter(alone.qrels[qid])))]
            == full_docs[next(iter(full.qrels[qid]))]
        )


def test_song_variant_dedupes_identical_sets(tmp_path: Path) -> None:
    songs = [
        _song("a", "Sad piano. Slow.", ("piano", "sad")),
        _song("b", "A sad piano tune.", ("piano", "sad")),
        _song("c", "Loud rock.", ("rock",)),
    ]
    stats = make_benchmark(songs, tmp_path / "s", variant="song")
    data = load_beir(tmp_path / "s")
    assert (stats.queries, stats.documents) == (3, 2)
    assert data.qrels["a"] == data.qrels["b"] == {"d0": 1} and data.query_texts[0] == "Sad piano. Slow."


def test_request_variant_shares_the_sentence_sets(fixture_songs: list[Song], tmp_path: Path) -> None:
    make_benchmark(fixture_songs, tmp_path / "s", seed=0, variant="sentence")
    make_benchmark(fixture_songs, tmp_path / "r", seed=0, variant="request")
    sent, req = load_beir(tmp_path / "s"), load_beir(tmp_path / "r")
    assert sorted(sent.doc_texts) == sorted(req.doc_texts)
    assert [q.replace("#s", "#r") for q in sent.query_ids] == req.query_ids
    assert sent.query_texts != req.query_texts


def test_no_queries_is_an_error_and_keeps_old_folder(tmp_path: Path) -> None:
    out = tmp_path / "b"
    make_benchmark([_song("a", "Sad piano.", ("piano",))], out)
    before = (out / "corpus.jsonl").read_text()
    with pytest.raises(BenchmarkError, match="no queries"):
        make_benchmark([_song("x", "Nothing here.", ("piano",))], out)
    assert (out / "corpus.jsonl").read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["b"]  # no temp folder left behind


def test_skips_songs_without_caption_and_counts_them(tmp_path: Path) -> None:
    songs = [_song("a", "Sad piano.", ("piano",)), Song("b", "", "", ("rock",))]
    stats = make_benchmark(songs, tmp_path / "b")
    assert stats.tracks_used == 1 and stats.skipped == ["b: no caption"]
    assert json.loads((tmp_path / "b" / "stats.json").read_text())["skipped"] == ["b: no caption"]


def test_caption_of_prefers_caption_writing() -> None:
    song = Song("a", "", "", ("x",), extra={"caption": "plain", "caption_writing": "llm"})
    assert caption_of(song) == "llm"


def test_select_split(fixture_songs: list[Song]) -> None:
    dev, train = select_split(fixture_songs, "dev"), select_split(fixture_songs, "train")
    assert len(dev) + len(train) == 20 and not {s.id for s in dev} & {s.id for s in train}
    assert all(is_dev_track(s.extra["ytid"]) for s in dev)
    with pytest.raises(BenchmarkError, match="expected dev, train or all"):
        select_split(fixture_songs, "test")


def test_lp_musiccaps_layout_uses_caption_writing(tmp_path: Path) -> None:
    csv_path = tmp_path / "lp.csv"
    csv_path.write_text(
        "ytid,aspect_list,caption_ground_truth,caption_writing\n"
        '"y1","[\'piano\', \'sad\']","Human text about drums.","A sad piano piece. Nothing else."\n'
    )
    catalog, _ = load_catalog(f"lp-musiccaps:{csv_path}")
    stats = make_benchmark(catalog.songs, tmp_path / "b", variant="sentence")
    data = load_beir(tmp_path / "b")
    assert (stats.queries, data.query_texts) == (1, ["A sad piano piece"])


@pytest.mark.realdata
def test_dev_benchmark_from_real_musiccaps(shared_data: Path, tmp_path: Path) -> None:
    catalog, _ = load_catalog(f"musiccaps:{shared_data / 'musiccaps' / 'musiccaps_train.csv'}")
    dev = select_split(catalog.songs, "dev")
    assert 0.13 < len(dev) / len(catalog) < 0.17  # about 400 of 2,663
    stats = make_benchmark(dev, tmp_path / "dev", seed=0)
    data = load_beir(tmp_path / "dev")
    assert stats.tracks_used == len(dev) and len(data.query_ids) == stats.queries > 2 * len(dev)
    assert stats.documents < stats.queries  # identical sampled sets were merged
