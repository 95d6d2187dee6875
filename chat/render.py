"""Turning a search result into the chat reply (Markdown) and the Inspect panel's tables.

The reply lists the top songs as "title — artist" with a link and the descriptors that matched; the
Inspect panel shows the condensed request, the top descriptor sets with scores, and per song which
descriptor matched which phrase of the request and which were avoided. Out of scope: Gradio itself.
"""

from __future__ import annotations

import re
from typing import Any

from chat.condenser import CondensedRequest
from retrieval.results import SearchResult, SongHit

SET_HEADERS = ["#", "score", "descriptor set", "songs"]
SONG_HEADERS = ["#", "song", "score", "matched (descriptor ← request phrase, cosine)", "avoided"]
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")


def md_escape(text: str) -> str:
    """Escape Markdown/HTML specials so catalog text shows as typed.

    Example:
        >>> md_escape("[x] *y*")
        '\\\\[x\\\\] \\\\*y\\\\*'
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def _song_line(rank: int, hit: SongHit) -> str:
    song = hit.song
    name = md_escape(song.title or song.id) + (f" — {md_escape(song.artist)}" if song.artist else "")
    url = song.url if song.url.startswith(("http://", "https://")) else ""
    head = f"{rank}. [{name}]({url})" if url else f"{rank}. {name}"
    matched = [m.descriptor for m in hit.matches][:4]
    tail = f" · matched: *{md_escape(', '.join(matched))}*" if matched else ""
    return head + tail


def reply_markdown(result: SearchResult, condensed: CondensedRequest, notices: list[str], k: int = 5) -> str:
    """The assistant's chat message for one turn.

    Example:
        >>> from retrieval.song import Song
        >>> r = SearchResult("calm piano", songs=[SongHit(Song("1", "Rain", "Ana", ("piano",)), 0.9)])
        >>> print(reply_markdown(r, CondensedRequest("calm piano"), []))
        Songs for **calm piano**:
        1. Rain — Ana
    """
    head = f"Songs for **{md_escape(condensed.request)}**"
    if condensed.avoid:
        head += f" (avoiding {md_escape(', '.join(condensed.avoid))})"
    lines = [head + ":"]
    if result.songs:
        lines += [_song_line(i, hit) for i, hit in enumerate(result.songs[:k], 1)]
    else:
        lines = [f"I found no songs for **{md_escape(condensed.request)}**; try other words."]
    extra = [*notices, *result.notices]
    if extra:
        lines.append("")
        lines += [f"_{md_escape(n)}_" for n in dict.fromkeys(extra)]
    return "\n".join(lines)


def set_rows(result: SearchResult, limit: int = 8) -> list[list[Any]]:
    """Rows for the "top descriptor sets" table."""
    return [[i, round(s.score, 3), s.text, len(s.song_ids)] for i, s in enumerate(result.sets[:limit], 1)]


def song_rows(result: SearchResult, limit: int = 10) -> list[list[Any]]:
    """Rows for the "why these songs" table: matches and avoided descriptors per song."""
    rows = []
    for i, hit in enumerate(result.songs[:limit], 1):
        name = hit.song.title + (f" — {hit.song.artist}" if hit.song.artist else "")
        matched = "; ".join(f"{m.descriptor} ← {m.query_phrase} ({m.score:.2f})" for m in hit.matches)
        avoided = "; ".join(f"{m.descriptor} ({m.query_phrase})" for m in hit.avoided)
        rows.append([i, name, round(hit.score, 2), matched or "—", avoided or "—"])
    return rows


def timing_markdown(timings: dict[str, float], backend: str) -> str:
    """One line: which condenser answered and where the time went."""
    parts = " · ".join(f"{name} {ms:.0f} ms" for name, ms in timings.items())
    return f"Condenser: **{md_escape(backend or 'none')}** · {parts}"


def state_markdown(state: Any) -> str:
    r"""The dialog state as short lines for the Inspect panel, each item with the turn that set it.

    Example:
        >>> from chat.dialog_state import DialogState, StateItem
        >>> state_markdown(DialogState([StateItem("reggae", 1)], [StateItem("vocals", 2)], turn=2))
        '**Dialog state** (turn 2)  \nwanted: reggae ·1  \navoid: vocals ·2'
    """
    if state is None:
        return ""
    lines = [f"**Dialog state** (turn {state.turn})"]
    for label, items in (("wanted", state.wanted), ("avoid", state.rejected), ("like", state.like),
                         ("leave out", state.excluded_artists)):
        if items:
            lines.append(f"{label}: " + ", ".join(f"{md_escape(i.text)} ·{i.turn}" for i in items))
    return "  \n".join(lines)
