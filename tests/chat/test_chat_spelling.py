"""Typo repair (chat/spelling.py): worked examples, what it must leave alone, and the engine path."""

from __future__ import annotations

from typing import Any

import pytest

from chat.engine import ChatEngine
from chat.fallback_condenser import FallbackCondenser
from chat.rules_condenser import RulesCondenser
from chat.spelling import SpellFixer, fix_dialog, known_english_words, one_edit

DESCRIPTORS = ["acoustic guitar", "country", "ukulele", "vocals", "reggae", "piano", "cheeky", "twangy"]


@pytest.fixture(scope="module")
def fixer() -> SpellFixer:
    return SpellFixer(DESCRIPTORS)


def test_one_edit_covers_drop_add_change_and_swap() -> None:
    assert one_edit("pianno", "piano") and one_edit("guiter", "guitar") and one_edit("raggae", "reggae")
    assert one_edit("gutiar", "guitar")  # adjacent swap
    assert not one_edit("reggaeton", "reggae") and not one_edit("piano", "piano")


def test_typos_of_catalog_and_cue_words_are_fixed(fixer: SpellFixer) -> None:
    text, changes = fixer.fix("accoustic covers, no countrey, no ukelele, nothng with vocels")
    assert text == "acoustic covers, no country, no ukulele, nothing with vocals"
    assert [a for a, _ in changes] == ["accoustic", "countrey", "ukelele", "nothng", "vocels"]


def test_real_words_names_inflections_and_other_languages_are_left_alone(fixer: SpellFixer) -> None:
    for text in ["something cheesy", "Khruangbin but slower", "reggaeton please", "nicht zu laut bitte",
                 "a bit of twang", "banjos and ukuleles", "lofi beats"]:
        assert fixer.fix(text) == (text, []), text


def test_without_a_word_list_nothing_is_changed() -> None:
    assert SpellFixer(DESCRIPTORS, known=frozenset()).fix("no vocels") == ("no vocels", [])
    assert len(known_english_words()) > 10_000


def test_only_the_latest_turn_is_named(fixer: SpellFixer) -> None:
    dialog = [{"role": "user", "content": "raggae"}, {"role": "assistant", "content": "1. Song"},
              {"role": "user", "content": "no vocels"}]
    fixed, notices = fix_dialog(fixer, dialog)
    assert [t["content"] for t in fixed] == ["reggae", "1. Song", "no vocals"]
    assert notices == ["Read “vocels” as “vocals”."]


def test_the_engine_avoids_the_misspelled_word(catalog20_searcher: Any) -> None:
    engine = ChatEngine(catalog20_searcher, FallbackCondenser([RulesCondenser()]))
    turn = engine.respond("sad pianno ballads without vocels", [])
    assert turn.ok and "vocals" in turn.condensed.avoid and "piano" in turn.condensed.request
    assert "Read “pianno” as “piano”, “vocels” as “vocals”." in turn.notices
    assert all("vocals" not in " ".join(hit.song.descriptors) for hit in turn.result.songs)
