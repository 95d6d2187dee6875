"""References to the songs of the last answer by position: "more like the third one", "the 2nd song".

The engine keeps the songs it last showed (in the dialog state, or read back from the last assistant
message of a history) and ``resolve_ordinals`` writes each positional reference as the song's quoted
name, which ``chat.references`` then resolves like any "like “Title by Artist”". Out of scope: finding
songs in the catalog (``chat.references``) and anything but positions ("the jazzy one").

Example:
    >>> shown = shown_in_reply("Songs for **calm**:\\n1. Rain — Ana · matched: *calm*\\n2. Sun — Bo")
    >>> shown
    ['Rain by Ana', 'Sun by Bo']
    >>> resolve_ordinals("more like the second one, but slower", shown)
    ('more like “Sun by Bo”, but slower', [])
"""

from __future__ import annotations

import re

MAX_SHOWN = 10
_WORDS = {
    "first": 1, "1st": 1, "top": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1, "final": -1,
}
_ORDINAL = re.compile(
    rf"\b(?:the\s+|that\s+)?(?P<word>{'|'.join(_WORDS)})\s+(?:one|song|track|pick|tune|result|suggestion)\b"
    r"|\b(?:the\s+)?(?:song|track|pick|result)\s+(?:number\s+|no\.?\s*|#\s*)?(?P<num>\d{1,2})\b"
    r"|(?<![\w#])#(?P<hash>\d{1,2})\b",
    re.IGNORECASE,
)
_ITEM = re.compile(r"(?:^|(?<=\s))\d{1,2}\.\s+")  # "1. " (histories may have lost their line breaks)
_LINKED = re.compile(r"\[(?P<name>.+?)\]\([^)]*\)")
_UNESCAPE = re.compile(r"\\(.)")


def shown_in_reply(reply: str) -> list[str]:
    """The songs a reply listed, in order, as "Title by Artist" (as ``reply_markdown`` writes them)."""
    shown = []
    for item in _ITEM.split(reply)[1:]:
        item = re.split(r"\s+·\s+matched:|\n|\s_", item)[0].strip()  # the matches, a notice after it
        linked = _LINKED.match(item)
        name = _UNESCAPE.sub(r"\1", linked["name"] if linked else item).strip()
        title, _, artist = name.partition(" — ")
        if title:
            shown.append(f"{title} by {artist}" if artist else title)
    return shown[:MAX_SHOWN]


def resolve_ordinals(text: str, shown: list[str]) -> tuple[str, list[str]]:
    """``text`` with positional references replaced by the quoted song; notices for bad positions."""
    notices: list[str] = []
    if not shown:  # nothing shown yet: "the first song I loved" is not a position
        return text, notices

    def name(match: re.Match[str]) -> str:
        word = match["word"]
        position = _WORDS[word.lower()] if word else int(match["num"] or match["hash"])
        if not -1 <= position <= len(shown) or position == 0:
            notices.append(f"The last answer had {len(shown)} songs, so there is no song {position}.")
            return match[0]
        return f"“{shown[position - 1 if position > 0 else -1]}”"

    return _ORDINAL.sub(name, text), notices
