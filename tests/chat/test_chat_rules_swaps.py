"""Swaps, judgements and foreign words in the rules (chat.rules_swaps, rules_phrases, rules_foreign).

Worked examples in wordings that are not in the dev sets: each names the old wish and the new one.
"""

from __future__ import annotations

import pytest

from chat.rules_condenser import RulesCondenser
from chat.rules_foreign import translate
from chat.rules_phrases import rewrite


def _condense(*turns: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    got = RulesCondenser().condense([{"role": "user", "content": t} for t in turns])
    return got.request, got.include, got.avoid


@pytest.mark.parametrize(
    ("turns", "banned", "added"),
    [
        (["calm jazz with a trumpet", "could a flute take the trumpet's place?"], "trumpet", "flute"),
        (["folk songs with fiddle", "honestly i'd take a mandolin over the fiddle"], "fiddle", "mandolin"),
        (["dreamy pop", "with a saxophone... actually a clarinet instead"], "saxophone", "clarinet"),
        (["blues rock with harmonica", "forget the harmonica - give me a slide guitar"], "harmonica",
         "slide guitar"),
        (["sad indie rock", "more hopeful than sad please"], "sad", "hopeful"),
        (["ambient with piano", "the piano is all wrong, strings"], "piano", "strings"),
        (["reggae with organ", "hmm make the organ a melodica instead"], "organ", "melodica"),
    ],
)
def test_a_swap_bans_the_old_wish_and_adds_the_new(turns: list[str], banned: str, added: str) -> None:
    request, include, avoid = _condense(*turns)
    assert banned in avoid and added in include, (request, include, avoid)
    assert banned not in " ".join(include)


def test_a_role_swap_replaces_the_instrument_not_the_whole_request() -> None:
    request, include, avoid = _condense(
        "roots dub, a trombone lead, heavy echo", "make the lead a flute instead"
    )
    assert request.startswith("roots dub") and "heavy echo" in request
    assert avoid == ("trombone",) and "flute lead" in include


def test_layering_over_is_not_a_swap() -> None:
    """"vocals over a breakbeat" describes the song; it bans nothing."""
    request, _, avoid = _condense("trip hop", "soft strings over a breakbeat")
    assert avoid == () and "breakbeat" in request


def test_less_x_more_y_bans_x_only_when_it_was_asked_for() -> None:
    assert "heartbroken" in _condense("heartbroken soul", "less heartbroken, more hopeful")[2]
    assert _condense("soul", "less sleepy, more groovy")[2] == ()


@pytest.mark.parametrize(
    ("text", "avoided"),
    [
        ("synthwave, no synth anywhere though", "synth"),  # the filler after a ban is not part of it
        ("acoustic folk, no drums on this one", "drums"),
        ("clean pop for a classroom, no swearing", "explicit lyrics"),
        ("hip hop that doesn't have cursing in it", "explicit lyrics"),
        ("death metal w/o growling", "growled vocals"),
        ("rnb for a party, no slow jams", "slow tempo"),
        ("piano only, no lyrics because my kids sing along", "vocals"),
        ("rock, but the prog stuff is getting old", "progressive rock"),
        ("a summer playlist, no reggaeton, dembow, moombahton etc", "moombahton"),
        ("mellow stuff, though ambient just sounds like noise to me", "ambient"),
        ("my playlists are all sad indie, which puts me to sleep", "sad indie"),
        ("warm soul, everything new is too glossy (trap, hyperpop)", "hyperpop"),
        ("something upbeat, what i don't want is disco", "disco"),
        ("easy jazz, i am not ready for bebop yet", "bebop"),
    ],
)
def test_ban_wordings(text: str, avoided: str) -> None:
    assert avoided in _condense(text)[2]


def test_a_decade_swap_bans_the_old_decade_but_a_repeat_keeps_it() -> None:
    assert _condense("90s grunge", "actually more like the 70s")[2] == ("1990s",)
    assert _condense("90s grunge", "with 90s distortion")[2] == ()


def test_compound_words_match_whole_words_only() -> None:
    """"guitar and bongos" holds "r and b" but is two instruments."""
    assert _condense("bachata", "requinto guitar and bongos")[1] == ("requinto guitar", "bongos")


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("ruhige klaviermusik, aber nicht so traurig", "calm piano music, aber not sad"),
        ("canciones alegres con guitarra", "songs happy with guitar"),
        ("chanson française, pas de batterie", "chanson française, not drums"),
        ("힙합 말고 재즈", "no hip hop, jazz"),
        ("years: anni 80", "years: 1980s"),
    ],
)
def test_foreign_words_are_read_as_english(text: str, english: str) -> None:
    assert translate(text) == english


def test_foreign_negations_reach_avoid() -> None:
    assert "sad" in _condense("musica para estudiar, nada triste")[2]
    assert "jazz" in _condense("calm guitar stuff ジャズ以外で")[2]


def test_ages_are_not_decades() -> None:
    assert rewrite("songs i loved in my 30s, 80s synths") == "songs i loved in my 30s, 1980s synths"
