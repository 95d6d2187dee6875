"""Positional references to the last answer ("more like the third one"), issue 11 item 4."""

from __future__ import annotations

from typing import Any

from chat.dialog_state import DialogState
from chat.engine import ChatEngine
from chat.fallback_condenser import FallbackCondenser
from chat.ordinals import resolve_ordinals, shown_in_reply
from chat.rules_condenser import RulesCondenser

REPLY = (
    "Songs for **reggae**:\n1. [One Love — Bob Marley](https://x.test/1) · matched: *reggae*\n"
    "2. Pressure Drop — Toots \\& The Maytals\n3. Israelites — Desmond Dekker · matched: *ska*"
)


def test_the_songs_of_a_reply_are_read_back_in_order() -> None:
    assert shown_in_reply(REPLY) == [
        "One Love by Bob Marley", "Pressure Drop by Toots & The Maytals", "Israelites by Desmond Dekker"
    ]
    assert shown_in_reply("I found no songs for **x**; try other words.") == []
    assert shown_in_reply(" ".join(REPLY.split())) == shown_in_reply(REPLY)  # line breaks lost on the way


def test_positions_become_quoted_songs() -> None:
    shown = shown_in_reply(REPLY)
    dekker, toots = "“Israelites by Desmond Dekker”", "“Pressure Drop by Toots & The Maytals”"
    assert resolve_ordinals("more like the third one", shown)[0] == f"more like {dekker}"
    assert resolve_ordinals("like the last song please", shown)[0] == f"like {dekker} please"
    assert resolve_ordinals("something like #2", shown)[0] == f"something like {toots}"
    text, notices = resolve_ordinals("more like the fifth one", shown)
    assert text == "more like the fifth one" and "no song 5" in notices[0]


def test_without_a_shown_list_nothing_is_a_position() -> None:
    assert resolve_ordinals("the first song i ever loved was jazz", []) == (
        "the first song i ever loved was jazz", []
    )


def test_the_state_keeps_the_shown_songs_and_validates_them() -> None:
    state = DialogState(turn=1, shown=["One Love by Bob Marley"])
    assert DialogState.from_dict(state.to_dict()).shown == ["One Love by Bob Marley"]
    assert DialogState.from_dict({"turn": 1}).shown == []


def _engine(searcher: Any) -> ChatEngine:
    return ChatEngine(searcher, FallbackCondenser([RulesCondenser()]))


def test_more_like_the_second_one_uses_that_song(catalog20_searcher: Any) -> None:
    """Through the history (API clients) and through the state (the page), the same song is used."""
    engine = _engine(catalog20_searcher)
    first = engine.respond("upbeat music", [])
    second_song = first.result.songs[1].song
    history = [{"role": "user", "content": "upbeat music"}, {"role": "assistant", "content": first.reply}]
    by_history = engine.respond("more like the second one", history)
    by_state = engine.respond("more like the second one", [], state=first.state)
    for turn in (by_history, by_state):
        assert [r["title"] for r in turn.references if r["found"]] == [second_song.title], turn.references
        assert turn.state is not None and len(turn.state.shown) == len(turn.result.songs[:5])
