"""The Gradio event handlers of the chat page and the ``recommend`` API function, bound to an engine.

``make_handlers(engine)`` returns a ``Handlers``: ``ui_turn`` (a message from the page), ``new_chat``,
``drop_item`` (remove one item of the dialog state from the Inspect panel and search again),
``more_like`` (a click on a song in the Inspect panel asks for songs like it) and ``recommend`` (the
API: message + history or state in, reply + structured results out). After the first turn the page
sends the dialog *state* with each message, not the history, so a dropped item stays dropped. Page
outputs are, in order: message box, chat, condensed request, sets, songs, timing, turns, the copy of
the chat kept in the browser, the drop menu, the dialog state as text. Out of scope: layout and
serving (``chat.app``).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Any

import gradio as gr

from chat.dialog_state import DialogState, StateError
from chat.engine import ERROR_REPLY, ChatEngine, TurnResult
from chat.render import set_rows, song_rows, state_markdown, timing_markdown

logger = logging.getLogger(__name__)


def _inspect_outputs(turn: TurnResult, turns: list[dict[str, Any]]) -> tuple[Any, ...]:
    request = {
        "turn": len(turns),
        **(turn.condensed.to_dict() if turn.condensed else {}),
        "notices": turn.notices,
    }
    sets = set_rows(turn.result) if turn.result else []
    songs = song_rows(turn.result) if turn.result else []
    timing = timing_markdown(turn.timings_ms, turn.condensed.backend if turn.condensed else "")
    return request, sets, songs, timing


def _state_of(turns: list[dict[str, Any]]) -> DialogState | None:
    for entry in reversed(turns):
        if isinstance(entry, dict) and isinstance(entry.get("state"), dict):
            try:
                return DialogState.from_dict(entry["state"])
            except StateError:
                return None
    return None


@dataclass
class Handlers:
    """The page's event handlers and the API function for one engine."""

    engine: ChatEngine

    def _answer(self, message: str, history: list[Any], turns: list[dict[str, Any]],
                state: DialogState | None, shown: str) -> tuple[Any, ...]:
        try:
            turn = self.engine.respond(message, history, state=state)
        except Exception:  # noqa: BLE001 - the edge: never show a stack trace
            logger.exception("turn failed")
            turn = TurnResult(ERROR_REPLY, ok=False)
        history = [*history, {"role": "user", "content": shown}, {"role": "assistant", "content": turn.reply}]
        if turn.condensed:
            state_dict = turn.state.to_dict() if turn.state else None
            turns = [*turns, {**turn.condensed.to_dict(), "state": state_dict}]
        items = turn.state.items() if turn.state else []
        menu = gr.update(choices=items, value=None)
        saved = {"chat": history, "turns": turns[-1:]}  # the browser's copy: the chat and the last state
        return ("", history, *_inspect_outputs(turn, turns), turns, saved, menu, state_markdown(turn.state))

    def ui_turn(self, message: str, history: list[Any] | None, turns: list[dict[str, Any]] | None
                ) -> tuple[Any, ...]:
        history, turns = list(history or []), list(turns or [])
        if not isinstance(message, str) or not message.strip():
            gr.Warning("Type what music you would like first.")
            return (message, history, *(gr.skip(),) * 4, turns, *(gr.skip(),) * 3)
        text, _ = self.engine.clean_message(message)  # the history keeps what was read, not a 50 MB paste
        return self._answer(message, history, turns, _state_of(turns), text)

    def new_chat(self) -> tuple[Any, ...]:
        menu = gr.update(choices=[], value=None)
        return ("", [], None, [], [], "", [], {"chat": [], "turns": []}, menu, "")

    def drop_item(self, item: str | None, history: list[Any] | None, turns: list[dict[str, Any]] | None
                  ) -> tuple[Any, ...]:
        history, turns = list(history or []), list(turns or [])
        state = _state_of(turns)
        if not item or state is None or item not in state.items():
            gr.Warning("Pick an item of the dialog state to drop first.")
            return ("", history, *(gr.skip(),) * 4, turns, *(gr.skip(),) * 3)
        left = state.drop(item)
        if not left.items():
            gr.Warning("That was the last item: tell me what you would like instead.")
            return ("", history, *(gr.skip(),) * 4, turns, *(gr.skip(),) * 3)
        empty = DialogState(turn=left.turn)
        return self._answer(left.as_message(), history, turns, empty, f"(dropped “{item}”)")

    def more_like(self, evt: gr.SelectData, history: list[Any] | None, turns: list[dict[str, Any]] | None
                  ) -> tuple[Any, ...]:
        row = evt.row_value if isinstance(evt.row_value, list) else []
        name = str(row[1]) if len(row) > 1 else ""
        if not name:
            return ("", list(history or []), *(gr.skip(),) * 4, list(turns or []), *(gr.skip(),) * 3)
        title, _, artist = name.partition(" — ")
        ask = f"more like {title} by {artist}" if artist else f"more like {title}"
        return self.ui_turn(ask, history, turns)

    def recommend(self, message: str, history: list | None = None, state: dict | None = None
                  ) -> tuple[str, dict]:
        """Recommend songs. message: the new user message; history: earlier messages
        ([{"role": "user"|"assistant", "content": ...}]); state: the ``state`` a previous answer
        returned, instead of the history. Returns the reply (Markdown) and the results."""
        if not isinstance(message, str):
            raise gr.Error(f"message must be text (a string), got {type(message).__name__}")
        if not message.strip():
            raise gr.Error("Empty message: send words describing the music you want, e.g. 'calm piano'.")
        if history is not None and not isinstance(history, list):
            raise gr.Error(
                f"history must be a list of {{role, content}} messages, got {type(history).__name__}"
            )
        try:
            turn = self.engine.respond(message, history or [], state=state or None)
        except Exception as exc:  # noqa: BLE001
            logger.exception("API turn failed")
            raise gr.Error(ERROR_REPLY) from exc
        return turn.reply, turn.to_dict()


def make_handlers(engine: ChatEngine) -> Handlers:
    """The page's handlers and the API function, bound to ``engine``."""
    return Handlers(engine)


def restore_dialog(saved: Any, shown: Any = None, turns: Any = None) -> tuple[list[Any], list[Any]]:
    """The chat and the last dialog state kept in the browser (after a reload or a server restart), if
    well-formed; a chat the listener already started on this page is kept as it is."""
    if isinstance(shown, list) and shown:
        return shown, list(turns or [])
    chat = saved.get("chat") if isinstance(saved, dict) else saved  # a list: kept by an older version
    kept = saved.get("turns") if isinstance(saved, dict) else []
    chat = [m for m in chat if isinstance(m, dict) and m.get("role") in ("user", "assistant")] \
        if isinstance(chat, list) else []
    kept = [t for t in kept if isinstance(t, dict)] if isinstance(kept, list) else []
    return chat, (kept if _state_of(kept) is not None else [])


def browser_secret() -> str:
    """A secret kept in ``$CRATEDIGGER_HOME/browser-secret`` (made once), so restarts can read old dialogs."""
    import secrets

    from retrieval.paths import state_dir

    path = state_dir() / "browser-secret"
    try:
        value = path.read_text().strip()
    except OSError:
        value = ""
    if len(value) >= 16:
        return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(16)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others
    with os.fdopen(fd, "w") as out:
        out.write(value)
    return value
