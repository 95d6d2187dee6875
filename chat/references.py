"""References to artists and songs in a listener's words, resolved against the catalog.

"something like Bob Marley", "similar to One Love by Bob Marley", "in the style of daft punk", "no
bob dylan": ``ReferenceResolver.find`` returns the references it saw (each resolved to catalog songs,
or marked not found) and the text with those spans taken out, so the condenser never turns "bob marley"
into a descriptor. Matching is case-, accent- and typo-tolerant (``difflib`` over normalised names; an
artist's name without "& The Band" or "The" counts too). ``seed_descriptors`` turns referenced songs
into the descriptors that seed the search. Out of scope: references to earlier replies ("the third
one": ``chat.ordinals`` writes them as quoted names first), and what a song not in the catalog sounds
like (an LLM backend may describe it).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MAX_REFERENCES = 4  # phrases resolved per message
# Descriptors too common to say what a reference sounds like.
GENERIC = frozenset({"mid tempo", "male vocal", "female vocal", "mixed vocals", "long song", "catchy"})
_LIKE = re.compile(
    r"\b(?:(?:songs?|music|stuff|something|anything|tracks?|artists?|bands?)\s+)?(?:(?:that\s+)?sounds?\s+like|"
    r"(?:a\s+)?(?:bit|lot)\s+like|kinda\s+like|kind\s+of\s+like|like|similar\s+to|in\s+the\s+(?:style|vein)\s+of|"
    r"reminiscent\s+of|reminds?\s+me\s+of|along\s+the\s+lines\s+of|fans?\s+of|if\s+you\s+like|if\s+i\s+like|"
    r"vibes?\s+of|a\s+la|à\s+la|inspired\s+by|influenced\s+by)\s+(?P<ref>“[^”]{1,120}”|[^,.;!?|()]+)",
    re.IGNORECASE,
)
_EXCLUDE = re.compile(
    r"\b(?:no|not|nothing\s+by|nothing\s+from|except|but\s+not|without|skip|minus|no\s+more)\s+"
    r"(?P<ref>[^,.;!?|()]+)",
    re.IGNORECASE,
)
_VERB_LIKE = re.compile(
    r"(?i)(?:\b(?:i|we|you|they|would|i'?d|we'?d|do|don'?t|might|to)\s+"
    r"(?:(?:really|also|totally|just|kinda|generally|usually|mostly|do)\s+)*like\s+$"
    r"|\b(?:feels?|feeling|felt|looks?|smells?)\s+like\s+$)"
)
_STOP = re.compile(
    r"\s+(?:but|and|with|without|no|not|please|except|or|though|only|just|that|which|who|because|from the|"
    r"for|to|in|on|at|so|maybe|if|minus|plus|vibes?|style|stuff|type|kinda|songs?|music)\b.*$",
    re.IGNORECASE,
)


def normalise_name(text: str) -> str:
    """Lowercase, no accents or punctuation: "Beyoncé" -> "beyonce", "AC/DC" -> "ac dc".

    Example:
        >>> normalise_name("  Sigur Rós! ")
        'sigur ros'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _aliases(artist: str) -> set[str]:
    out = {normalise_name(artist)}
    lead = re.split(r"\s*(?:&|,|\band\b|\bfeat\.?|\bfeaturing\b|\bwith\b|\bx\b)\s*", artist)[0]
    out.add(normalise_name(lead))
    for n in list(out):
        if n.startswith("the "):
            out.add(n[4:])
    return {a for a in out if len(a) >= 3}


@dataclass(frozen=True)
class Reference:
    """A reference the listener made.

    Args:
        text: As written ("bob marly").
        artist: The catalog artist it resolved to (None when not found or a song only).
        title: The catalog song title, when a song was named.
        song_ids: Catalog songs it stands for (the song, or all of the artist's songs).
        exclude: "no <artist>": leave this artist out.
    """

    text: str
    artist: str | None = None
    title: str | None = None
    song_ids: tuple[str, ...] = ()
    exclude: bool = False

    @property
    def found(self) -> bool:
        return bool(self.song_ids)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "artist": self.artist, "title": self.title,
                "song_ids": list(self.song_ids), "exclude": self.exclude, "found": self.found}


class ReferenceResolver:
    """Find and resolve references against ``songs`` (objects with id, title, artist, descriptors).

    Example:
        >>> from retrieval.catalog import load_catalog  # doctest: +SKIP
        >>> resolver = ReferenceResolver(load_catalog("demo")[0].songs)  # doctest: +SKIP
        >>> refs, rest = resolver.find("upbeat, like bob marly")  # doctest: +SKIP
        >>> refs[0].artist, rest  # doctest: +SKIP
        ('Bob Marley & The Wailers', 'upbeat,')
    """

    def __init__(self, songs: Sequence[Any], cutoff: float = 0.82) -> None:
        self.songs = {s.id: s for s in songs}
        self.cutoff = cutoff
        self._artists: dict[str, str] = {}
        self._by_artist: dict[str, list[str]] = {}
        self._titles: dict[str, list[str]] = {}
        self._vocab = {w for s in songs for d in s.descriptors for w in normalise_name(d).split()}
        self.frequency = Counter(d for s in songs for d in set(s.descriptors))
        self._cache: dict[tuple[str, bool], Reference | None] = {}
        for song in songs:
            self._by_artist.setdefault(song.artist, []).append(song.id)
            for alias in _aliases(song.artist):
                self._artists.setdefault(alias, song.artist)
            title = normalise_name(song.title)
            if len(title) >= 3:
                self._titles.setdefault(title, []).append(song.id)

    def _close(self, text: str, names: Sequence[str]) -> str | None:
        """``text`` itself, or the closest of ``names`` sharing its first letter (typos rarely hit it)."""
        if text in names:
            return text
        if len(text) < 4:
            return None
        bucket = [n for n in names if n[:1] == text[:1] and abs(len(n) - len(text)) <= len(text) // 3 + 2]
        match = difflib.get_close_matches(text, bucket, n=1, cutoff=self.cutoff)
        return match[0] if match else None

    def resolve(self, text: str, exclude: bool = False) -> Reference | None:
        """One reference phrase -> ``Reference`` (None when it names nothing in the catalog); memoised."""
        key = (text, exclude)
        if key not in self._cache:
            if len(self._cache) > 4096:
                self._cache.clear()
            self._cache[key] = self._resolve(text, exclude)
        return self._cache[key]

    def _resolve(self, text: str, exclude: bool) -> Reference | None:
        name = normalise_name(_STOP.sub("", text))
        if not name:
            return None
        title_part, sep, artist_part = name.rpartition(" by ")
        if sep:
            artist = self._close(artist_part, list(self._artists))
            title = self._close(title_part, list(self._titles))
            if title and artist:
                name = self._artists[artist]
                ids = tuple(i for i in self._titles[title] if self.songs[i].artist == name)
                if ids:
                    return Reference(text.strip(), name, self.songs[ids[0]].title, ids)
            if artist:
                return self._artist_ref(text, self._artists[artist], exclude)
        if artist := self._close(name, list(self._artists)):
            return self._artist_ref(text, self._artists[artist], exclude)
        one_word = " " not in name and not (text[:1].isupper() or text[:1] in "'\"“")
        if not exclude and not one_word and (title := self._close(name, list(self._titles))):
            ids = tuple(self._titles[title])
            return Reference(text.strip(), self.songs[ids[0]].artist, self.songs[ids[0]].title, ids)
        return None

    def _looks_like_name(self, phrase: str) -> bool:
        """An unresolved "like X" is a name when it is 1-5 words, capitalised or quoted or mostly words
        no descriptor uses ("like khruangbin"); not a description ("like a summer breeze", "like jazz")."""
        words = normalise_name(phrase).split()
        article = re.match(r"(?i)^(?:a|an|the|this|that|some|something|those)\b", phrase)
        if not 1 <= len(words) <= 5 or article:
            return False
        if all(w in self._vocab for w in words):
            return False  # "like Reggae", "like jazz or blues": descriptors, not names
        if phrase[:1] in "'\"“" or phrase[:1].isupper():
            return True
        return sum(w not in self._vocab for w in words) * 2 > len(words)

    def song_count(self, artists: Sequence[str]) -> int:
        """How many catalog songs ``artists`` have (from the artist index, not a scan of the catalog)."""
        return sum(len(self._by_artist.get(a, ())) for a in set(artists))

    def _artist_ref(self, text: str, artist: str, exclude: bool) -> Reference:
        return Reference(text.strip(), artist, None, tuple(self._by_artist[artist]), exclude)

    def find(self, text: str) -> tuple[list[Reference], str]:
        """References in ``text`` and the text without them. Unknown "like X" phrases come back as
        references that are not ``found``; an unknown "no X" is left in the text (it is a descriptor).
        At most ``MAX_REFERENCES`` phrases are resolved per message (each costs a fuzzy lookup)."""
        refs: list[Reference] = []
        spans: list[tuple[int, int]] = []
        for match, phrase, end in _scan(_LIKE, text):
            if len(refs) >= MAX_REFERENCES:
                break
            if any(a <= match.start() < b for a, b in spans):
                continue
            if _VERB_LIKE.search(text[: match.start("ref")]):
                continue  # "i like jazz", "i'd like some piano": the verb, not a comparison
            ref = self.resolve(phrase)
            if ref is not None or self._looks_like_name(phrase):
                refs.append(ref or Reference(phrase))
                spans.append((match.start(), end))
        for match, phrase, end in _scan(_EXCLUDE, text):
            if len(refs) >= MAX_REFERENCES or any(a <= match.start() < b for a, b in spans):
                continue
            ref = self.resolve(phrase, exclude=True)
            if ref is not None and ref.artist and ref.title is None:
                refs.append(ref)
                spans.append((match.start(), end))
        rest = text
        for a, b in sorted(spans, reverse=True):
            rest = rest[:a] + " " + rest[b:]
        return refs, " ".join(rest.split())


def _scan(pattern: re.Pattern[str], text: str) -> list[tuple[re.Match[str], str, int]]:
    """Every match with its cut phrase; the scan resumes where the phrase began, so "no vocals and no
    bob dylan", "like X but also like Y" and "i'd like something like X" find both."""
    out: list[tuple[re.Match[str], str, int]] = []
    pos = 0
    while (match := pattern.search(text, pos)) is not None and len(out) < 4 * MAX_REFERENCES:
        phrase, end = _phrase(match)
        if phrase:
            out.append((match, phrase, end))
        pos = match.start("ref")  # a skipped "i'd like something like X" still finds "like X"
    return out


def _phrase(match: re.Match[str]) -> tuple[str, int]:
    """The reference phrase of a match (cut at "but", "with"...) and where it ends in the text."""
    raw = match["ref"]
    if raw.startswith("“"):  # a quoted name is taken whole ("like “Earth, Wind & Fire”")
        return raw.strip("“”").strip(), match.start("ref") + len(raw)
    phrase = _STOP.sub("", raw).strip()
    offset = raw.find(phrase) if phrase else 0
    return phrase, match.start("ref") + max(offset, 0) + len(phrase)


def seed_descriptors(
    songs: Sequence[Any], limit: int = 5, frequency: Counter[str] | None = None, total: int = 0
) -> list[str]:
    """The descriptors that best describe ``songs`` together: shared by many of them and, given the
    catalog's ``frequency`` of each descriptor (of ``total`` songs), rare elsewhere (tf-idf).

    Example:
        >>> from types import SimpleNamespace as S
        >>> seed_descriptors([S(descriptors=["reggae", "male vocal", "upbeat"]), S(descriptors=["reggae"])])
        ['reggae', 'upbeat']
    """
    counts = Counter(d for song in songs for d in song.descriptors if d not in GENERIC)
    if frequency and total:
        score = {d: c * math.log((1 + total) / (1 + frequency.get(d, 0))) for d, c in counts.items()}
        return sorted(score, key=lambda d: (-score[d], d))[:limit]
    return [d for d, _ in counts.most_common(limit)]
