"""Listener descriptions and paraphrased requests from the lexicons (issue 13, items 2 and 3)."""

from __future__ import annotations

import random
from pathlib import Path

from training_fixtures import write_captions

from retrieval.evaluation.benchmark import DEV_REQUEST_TEMPLATES
from training import descriptions as desc
from training.data import DataConfig, build_data
from training.files import read_jsonl
from training.pipeline import PipelineConfig, data_inputs

LEX = {"metal": {"say": ["heavy metal"], "sounds": ["crushing riffs", "screamed vocals"]},
       "sad": {"say": ["blue"], "sounds": ["makes me want to cry"]}}


def test_description_names_or_describes_only_the_sets_tags() -> None:
    rng = random.Random(3)
    words = {"metal", "heavy metal", "crushing riffs", "screamed vocals", "sad", "blue",
             "makes me want to cry"}
    texts = [desc.describe_tags(["metal", "sad"], LEX, rng) for _ in range(200)]
    assert all(any(w in t.lower() for w in words) for t in texts)
    # some name nothing verbatim: the point is descriptions that do not repeat the tags
    assert any("metal" not in t.lower() and "sad" not in t.lower() for t in texts)
    assert len(set(texts)) > 50


def test_openers_are_not_dev_templates() -> None:
    dev = {t.lower().split("{")[0].strip(" ,.?:") for t in DEV_REQUEST_TEMPLATES}
    assert not dev & {o.strip(" ,.?:") for o in desc.OPENERS if o.strip()}


def test_paraphrase_sentence_worked_example_and_none_without_a_match() -> None:
    lex = {"low quality": ["lo-fi"], "male voice": ["a man singing"]}
    said = desc.paraphrase_sentence("Low quality recording with a male voice.", ["low quality", "male voice"],
                                    lex, random.Random(0))
    assert said is not None and ("lo-fi" in said or "a man singing" in said)
    assert desc.paraphrase_sentence("A piano tune.", ["piano"], lex, random.Random(0)) is None


def test_shipped_lexicons_cover_every_jamendo_tag_and_most_descriptors() -> None:
    jamendo = desc.load_lexicon(desc.JAMENDO_LEXICON)
    assert len(jamendo) >= 180 and all(v["sounds"] for v in jamendo.values())
    for tag in ("electronic", "easy listening", "hip hop", "vocals", "film music", "idm"):
        assert tag in jamendo
    paraphrases = desc.load_lexicon(desc.MUSICCAPS_LEXICON)
    assert sum(bool(v) for v in paraphrases.values()) >= 330


def test_build_data_adds_lexicon_rows_and_hashes_the_lexicons(tmp_path: Path) -> None:
    csv_path = tmp_path / "musiccaps" / "musiccaps_train.csv"
    csv_path.parent.mkdir()
    write_captions(csv_path, n_train=12, n_dev=3)
    tracks = tmp_path / "jamendo" / "tracks.tsv"
    tracks.parent.mkdir()
    tracks.write_text("track_id\tsplit\ttags\n"
                      "track_0000001\ttrain\tgenre---metal,mood/theme---sad\n"
                      "track_0000002\tvalidation\tgenre---jazz,instrument---piano\n")
    cfg = DataConfig(jamendo="jamendo/tracks.tsv", msd_vocab=None, min_tracks=10, jamendo_queries=0,
                     jamendo_sound_queries=5, paraphrase_queries=40)
    counts = build_data(cfg, tmp_path / "run", tmp_path)
    pairs = read_jsonl(tmp_path / "run" / "pairs.jsonl")
    sound = [p for p in pairs if p["kind"] == "jamendo_sound"]
    assert [p["descriptors"] for p in sound] == [["metal", "sad"]]  # train tracks only
    assert counts.get("paraphrase", 0) > 0
    inputs = data_inputs(PipelineConfig(data_dir=str(tmp_path), data=cfg))
    assert str(desc.JAMENDO_LEXICON.resolve()) in inputs and str(desc.MUSICCAPS_LEXICON.resolve()) in inputs
