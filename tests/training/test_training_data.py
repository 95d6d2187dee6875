"""Stage 1 (data): dev tracks excluded, templates unlike the dev ones, bad input refused."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from training_fixtures import write_captions

from retrieval.cli import main
from retrieval.errors import DataNotFoundError
from retrieval.evaluation.benchmark import DEV_REQUEST_TEMPLATES, is_dev_track
from training import templates
from training.data import DataConfig, TrainingDataError, build_data, musiccaps_pairs
from training.files import read_jsonl


def _normalise(template: str) -> str:
    return template.lower().split("{")[0].strip(" ,.?:")


def test_training_templates_differ_from_dev_templates() -> None:
    dev = {_normalise(t) for t in DEV_REQUEST_TEMPLATES}
    ours = [*templates.SET_TEMPLATES, *templates.SENTENCE_TEMPLATES, *templates.TAG_TEMPLATES]
    assert not dev & {_normalise(t) for t in ours}


def test_join_and_clause_worked_examples() -> None:
    assert templates.join_descriptors(["piano", "sad", "slow tempo"]) == "piano, sad and slow tempo"
    assert templates.sentence_clause("The song is slow.") == "it is slow"


def test_build_data_excludes_dev_tracks(tmp_path: Path) -> None:
    csv_path = tmp_path / "musiccaps" / "musiccaps_train.csv"
    csv_path.parent.mkdir()
    ids = write_captions(csv_path, n_train=15, n_dev=5)
    cfg = DataConfig(jamendo=None, msd_vocab=None, min_tracks=10)
    counts = build_data(cfg, tmp_path / "run", tmp_path)
    pairs = read_jsonl(tmp_path / "run" / "pairs.jsonl")
    groups = {p["group"] for p in pairs}
    assert groups == set(ids[:15])  # the 15 train tracks, none of the 5 dev tracks
    assert not any(is_dev_track(g) for g in groups)
    assert counts["tracks"] == 15 and counts["dev_tracks_excluded"] == 5
    # every sentence names one aspect verbatim, so each sampled set holds a descriptor of its query
    sentence = [p for p in pairs if p["kind"] == "sentence"]
    assert {p["group"] for p in sentence} == groups
    assert all(any(d in p["query"].lower() for d in p["descriptors"]) for p in sentence)
    assert counts["request"] == 15 * cfg.request_per_track
    corpus = {r["text"] for r in read_jsonl(tmp_path / "run" / "corpus.jsonl")}
    assert corpus == {p["positive"] for p in pairs}


def test_tiny_dataset_is_refused_with_counts(tmp_path: Path) -> None:
    csv_path = tmp_path / "musiccaps" / "musiccaps_train.csv"
    csv_path.parent.mkdir()
    write_captions(csv_path, n_train=3, n_dev=1)
    expected = r"4 usable MusicCaps rows.*3 left for training; need at least 100"
    with pytest.raises(TrainingDataError, match=expected):
        build_data(DataConfig(jamendo=None, msd_vocab=None), tmp_path / "run", tmp_path)
    assert not (tmp_path / "run" / "pairs.jsonl").exists()


def test_missing_data_folder_names_path_and_readme_section(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(DataNotFoundError) as err:
        build_data(DataConfig(), tmp_path / "run", missing)
    assert str(missing / "musiccaps" / "musiccaps_train.csv") in str(err.value)
    assert 'section "Data"' in str(err.value)


def test_cli_reports_missing_data_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "cfg.json"
    config.write_text(json.dumps({"data_dir": str(tmp_path / "nowhere")}))
    code = main(["train", "--config", str(config), "--run-dir", str(tmp_path / "run"), "--stages", "data"])
    assert code == 2
    assert "nowhere/musiccaps/musiccaps_train.csv" in capsys.readouterr().err


def test_request_mix_sampled_uses_the_tracks_sentence_sets() -> None:
    # One track, one sentence naming "piano" verbatim: every sampled set holds "piano", and a
    # "sampled" request's positive is one of those sets (not a random slice of all aspects).
    row = {"ytid": "t1", "caption": "A soft piano melody.", "aspects": ["piano", "soft", "rock", "sad"]}
    cfg = DataConfig(jamendo=None, msd_vocab=None, request_per_track=3,
                     request_mix=("sampled", "sampled", "sentence"))
    pairs = musiccaps_pairs([row], cfg, random.Random(0))
    sentence_sets = {p["positive"] for p in pairs if p["kind"] == "sentence"}
    requests = [p for p in pairs if p["kind"] == "request"]
    assert len(requests) == 3
    assert {p["positive"] for p in requests} <= sentence_sets
    assert all("piano" in p["descriptors"] for p in requests)
    assert "a soft piano melody" in requests[2]["query"]  # the sentence, lower-cased, in a template


def test_request_mix_rejects_unknown_source() -> None:
    with pytest.raises(TrainingDataError, match=r"aspects.*sampled.*sentence.*got \['llm'\]"):
        DataConfig(request_mix=("llm",))


def test_jamendo_tags_read_as_served_and_llm_rows_skip_dev_tracks(tmp_path: Path) -> None:
    """Issue 13, item 1: one normalisation for training and serving; LLM rows of dev tracks are dropped."""
    csv_path = tmp_path / "musiccaps" / "musiccaps_train.csv"
    csv_path.parent.mkdir()
    ids = write_captions(csv_path, n_train=12, n_dev=3)
    tracks = tmp_path / "jamendo" / "tracks.tsv"
    tracks.parent.mkdir()
    tracks.write_text(
        "track_id\tsplit\ttags\n"
        "track_0000001\ttrain\tgenre---punkrock,instrument---voice,mood/theme---happy\n"
        "track_0000002\tvalidation\tgenre---jazz,instrument---piano\n"
    )
    llm = tmp_path / "llm.jsonl"
    rows = [{"key": f"mc_request:mc:{i}", "kind": "mc_request", "text": f"a request for {i}"} for i in ids]
    rows.append({"key": "jamendo_description:jamendo:track_0000001", "kind": "jamendo_description",
                 "text": "happy punk rock with singing"})  # its tags come from tracks.tsv
    llm.write_text("\n".join(json.dumps(r) for r in rows) + "\n{\"cut by a kill\n")
    cfg = DataConfig(jamendo="jamendo/tracks.tsv", msd_vocab=None, min_tracks=10, llm_rows=str(llm))
    counts = build_data(cfg, tmp_path / "run", tmp_path)
    pairs = read_jsonl(tmp_path / "run" / "pairs.jsonl")
    jamendo = [p for p in pairs if p["kind"] == "jamendo"]
    assert [p["descriptors"] for p in jamendo] == [["punk rock", "vocals", "happy"]]
    assert counts["llm_request"] == 12 and not any(
        is_dev_track(p["group"]) for p in pairs if p["kind"] == "llm_request"
    )
    llm_jamendo = [p["descriptors"] for p in pairs if p["kind"] == "llm_jamendo"]
    assert llm_jamendo == [["punk rock", "vocals", "happy"]]


def test_musiccaps_is_read_by_the_served_reader(tmp_path: Path) -> None:
    """Issue 13, item 1: training sees the descriptors search sees (duplicates dropped, spaces collapsed)."""
    from retrieval.catalog.catalog import load_catalog
    from training.data import read_musiccaps

    path = tmp_path / "musiccaps_train.csv"
    write_captions(path, n_train=3, n_dev=0)
    text = path.read_text().replace("'rock', ", "'rock', 'Rock', '  rock ', ", 1)
    assert "'Rock'" in text
    path.write_text(text)
    rows = read_musiccaps(path)
    catalog, _ = load_catalog(f"musiccaps:{path}")
    assert [r["aspects"] for r in rows] == [list(s.descriptors) for s in catalog]
    assert rows[0]["aspects"].count("rock") == 1 and "Rock" not in rows[0]["aspects"]
