"""DialogState: validation of what clients send back, the round trip through a plain request, turns."""

from __future__ import annotations

import pytest

from chat.dialog_state import DialogState, StateError, StateItem, build_state
from chat.rules_condenser import RulesCondenser


def test_round_trip_through_the_rules_gives_the_same_state() -> None:
    state = DialogState([StateItem("upbeat reggae", 1), StateItem("horns", 2)], [StateItem("vocals", 3)],
                        turn=3)
    condensed = RulesCondenser().condense([{"role": "user", "content": state.as_message()}])
    assert condensed.request == "upbeat reggae, horns" and condensed.avoid == ("vocals",)
    assert state.items() == ["upbeat reggae", "horns", "no vocals"]
    assert state.drop("horns").items() == ["upbeat reggae", "no vocals"]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("jazz", "state must be an object"),
        ({"wanted": "jazz"}, "state.wanted must be a list"),
        ({"wanted": [{"text": 3}]}, "items must be"),
        ({"turn": -1}, "state.turn must be an integer"),
        ({"mood": []}, "unknown keys"),
        ({"wanted": ["x"] * 100}, "at most 24"),
    ],
)
def test_malformed_states_are_named(bad: object, message: str) -> None:
    with pytest.raises(StateError, match=message):
        DialogState.from_dict(bad)


def test_items_are_cleaned_and_keep_their_turns() -> None:
    state = DialogState.from_dict({"wanted": [{"text": " jazz, ,  ", "turn": 9}, "jazz"], "turn": 4})
    assert state.wanted == [StateItem("jazz", 4)]  # a turn later than the state's is clamped
    built = build_state(["calm piano", "strings"], ["vocals"], [], [], ["calm piano", "no vocals, strings"])
    assert [(i.text, i.turn) for i in built.wanted] == [("calm piano", 1), ("strings", 2)]
    assert [(i.text, i.turn) for i in built.rejected] == [("vocals", 2)] and built.turn == 2
