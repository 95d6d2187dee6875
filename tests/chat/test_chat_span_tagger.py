"""The span tagger: grouping tokens into phrases, merging with the rules, and a really trained (tiny)
tagger running through the rules condenser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chat.rules_condenser import RulesCondenser
from chat.span_tagger import Spans, SpanTagger, extra_rejections, group_words
from training.parser_data import make_examples
from training.parser_train import LABELS, encode


def test_words_take_their_first_tokens_label_and_punctuation_ends_a_phrase() -> None:
    text = "sad piano, strings no drums"
    offsets = [(0, 3), (4, 9), (9, 10), (11, 18), (19, 21), (22, 27)]
    spans = group_words(text, offsets, ["WANT", "WANT", "WANT", "WANT", "O", "REJECT"])
    assert spans == Spans(wanted=["sad piano", "strings"], rejected=["drums"])


def test_the_rules_win_where_they_disagree_and_nothing_is_avoided_twice() -> None:
    spans = Spans(rejected=["piano", "vocals", "cheesy saxophone solos", "a b c d e"])
    assert extra_rejections(spans, ["male vocals"], ["sad piano"], str.strip) == ["cheesy saxophone solos"]


def test_training_labels_follow_the_pieces(tiny_model_path: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_path)
    enc = encode(tokenizer, [("calm ", "WANT"), ("piano", "WANT"), (", no ", "O"), ("drums", "REJECT")])
    named = [LABELS[i] if i >= 0 else "-" for i in enc["labels"]]
    assert named == ["-", "WANT", "WANT", "O", "O", "REJECT", "-"]


def test_generated_posts_hold_every_descriptor_with_its_label() -> None:
    posts = make_examples(["steel drums", "tropical", "opera", "banjo"], ["Nora Vale"], 50, seed=3)
    for post in posts:
        text = "".join(t for t, _ in post)
        assert all(t.lower() in text.lower() for t, label in post if label != "O")
    assert any(label == "REJECT" for post in posts for _, label in post)


def test_a_missing_tagger_is_not_an_error(tmp_path: Path) -> None:
    assert SpanTagger.load(tmp_path) is None


@pytest.mark.realmodel
def test_a_trained_tagger_runs_through_the_rules(tmp_path: Path, tiny_model_path: Path) -> None:
    """Train the real pipeline on a few posts with the 2-layer model; the condenser uses its spans."""
    from training.parser_train import train

    info = train(tmp_path / "no-data", tmp_path / "tagger", n=64, seed=1, epochs=1, layers=0,
                 base=str(tiny_model_path))
    assert json.loads((tmp_path / "tagger" / "labels.json").read_text())["posts"] == info["posts"] == 64
    tagger = SpanTagger.load(tmp_path / "tagger")
    assert tagger is not None
    spans = tagger.tag("looking for calm piano, no drums please")
    assert isinstance(spans, Spans) and tagger.tag("looking for calm piano, no drums please") is spans
    condensed = RulesCondenser(tagger).condense([{"role": "user", "content": "calm piano, no drums"}])
    assert condensed.request.startswith("calm piano") and "drums" in condensed.avoid
