"""Worked examples of ``training.llm_pairs``: which LLM-written rows become which training pairs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from retrieval.errors import DataNotFoundError
from training.llm_pairs import llm_pairs

CAPTION = "A man sings over a piano. The tempo is slow."
TRAIN = [{"ytid": "abc", "caption": CAPTION, "aspects": ["male vocals", "piano", "slow tempo"]}]
# The data stage's ``sentence`` rows of the caption's second sentence, as split_sentences gives it.
SENTENCES = [
    {"group": "abc", "query": "The tempo is slow", "descriptors": ["slow tempo", "piano"]},
    {"group": "abc", "query": "The tempo is slow", "descriptors": ["slow tempo"]},
]


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _write(path: Path, rows: list[dict], tail: str = "") -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + tail, encoding="utf-8")
    return path


def test_each_kind_gives_its_pairs(tmp_path: Path) -> None:
    rows = _write(tmp_path / "rows.jsonl", [
        {"kind": "mc_request", "key": "mc:abc", "text": "slow piano songs with a man singing?"},
        {"kind": "mc_request", "key": "mc:dev-track", "text": "not a train track"},
        {"kind": "mc_sentence", "key": "mc_sentence:mc:abc:1", "text": "something slow please",
         "source_sha256": _sha("The tempo is slow")},
        {"kind": "jamendo_description", "key": "jamendo:track_1", "text": "dreamy synths"},
        {"kind": "jamendo_heard", "key": "jamendo_heard:jamendo:track_1", "text": "floating pads, no beat"},
    ], tail='{"kind": "mc_sentence", "key": "cut by a ki')
    pairs = llm_pairs(rows, TRAIN, {"track_1": ["ambient", "synthesizer"]}, SENTENCES)
    got = sorted((p["kind"], p["query"], p["positive"]) for p in pairs)
    assert got == [
        ("llm_jamendo", "dreamy synths", "ambient, synthesizer"),
        ("llm_jamendo_heard", "floating pads, no beat", "ambient, synthesizer"),
        ("llm_request", "slow piano songs with a man singing?", "male vocals, piano, slow tempo"),
        ("llm_sentence", "something slow please", "slow tempo"),
        ("llm_sentence", "something slow please", "slow tempo, piano"),
    ]


def test_rows_of_a_changed_sentence_or_unwanted_kind_are_skipped(tmp_path: Path) -> None:
    rows = _write(tmp_path / "rows.jsonl", [
        {"kind": "mc_sentence", "key": "mc_sentence:mc:abc:1", "text": "stale",
         "source_sha256": _sha("other")},
        {"kind": "mc_sentence", "key": "mc_sentence:mc:abc:7", "text": "no such sentence"},
        {"kind": "mc_request", "key": "mc:abc", "text": "left out by kinds"},
    ])
    assert [(p["kind"], p["query"]) for p in llm_pairs(rows, TRAIN, None, SENTENCES)] == [
        ("llm_request", "left out by kinds")
    ]
    assert llm_pairs(rows, TRAIN, None, SENTENCES, kinds=("mc_sentence",)) == []


def test_a_missing_rows_file_says_what_to_point_at(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError, match="data.llm_rows"):
        llm_pairs(tmp_path / "nope.jsonl", TRAIN)
