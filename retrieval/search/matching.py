"""Which part of a request matched which song descriptor, descriptor coverage, and ``avoid`` matching.

* A request is split into phrases on commas, semicolons, sentence ends and the words "and", "with",
  "plus", "but", "or", "featuring"; request filler ("I want", "some", "songs", "please"...) is trimmed.
* Phrases and descriptors are embedded with the same sentence model (unit vectors, so dot = cosine).
  Descriptor vectors are computed once per *unique* descriptor of the catalog and kept in a matrix.
* ``matches``: for each descriptor of a song, the most similar phrase when the cosine is at least
  ``match_threshold``, or when the descriptor occurs verbatim in the phrase.
* ``coverage``: the mean over phrases of the best cosine to any of the song's descriptors.
* ``avoid`` (a term such as "vocals"): a descriptor is avoided when it is not negated ("no vocals",
  "without drums", "vocal-free") and either (a) the term, or a word of its family (``AVOID_FAMILIES``:
  "vocals" also covers voice, singer, choir, rap...), occurs in it as whole stemmed words, or (b) its
  cosine to the term is at least the avoid threshold *and* it contains the term's head word, or the
  cosine is at least the strict threshold (``avoid_strict_z``). Cosine alone does not separate "choir"
  (0.65 to "vocals" with MiniLM) from "instrumental" (0.60), nor "acoustic guitar" (0.70 to "acoustic
  drums" with the shipped model) from "electronica" (0.70 to "electronic"), hence the family lexicon and
  the head word; a term of three or more words also rules out the descriptor that is exactly its last
  two ("big horn section" -> "horn section", "laid-back jazzy boom bap" -> "boom bap"); a word that
  only modifies another instrument ("nylon-string guitar" for "strings",
  "drum and bass" for "drums") does not count (``INSTRUMENT_NOUNS``).
* Thresholds adapt to the model: cosine scales differ a lot between models (unrelated descriptors
  average 0.22 with MiniLM, 0.62 with a 2-layer cut of it), so each threshold is ``mean + z * std`` of
  the cosine between random pairs of the catalog's descriptors. ``avoid_z = 4.3`` gives 0.72 with
  MiniLM on MusicCaps (where "rap vocals" is 4.8 standard deviations above unrelated pairs, and
  "instrumental" 2.9); ``match_z = 3.0`` gives 0.57. Absolute values can be set instead.

Out of scope: ranking descriptor sets (``retrieval.retrievers``), assembling results
(``retrieval.search.searcher``), the thresholds' settings (``retrieval.search.config``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from retrieval.results import DescriptorMatch
from retrieval.search.config import MatchConfig

_SPLIT = re.compile(r"[,;:!?\n]+|\.(?:\s+|$)|\b(?:and|with|plus|but|or|featuring|feat\.)\b", re.IGNORECASE)
_FILLER_WORDS = (
    "i|i'd|i'm|im|want|wanna|would|like|need|give|me|play|find|put|on|some|something|anything|any|songs?|"
    "music|tracks?|tunes?|a|an|the|please|can|could|you|that|that's|thats|is|are|which|has|have|got|looking|"
    "for|in|mood|of|kind|sort|really|very|lots|lot|bit|little|maybe|also|too|just|more|less|heavy on"
)
_LEADING = re.compile(rf"^(?:(?:{_FILLER_WORDS})\b[\s,]*)+", re.IGNORECASE)
_TRAILING = re.compile(rf"(?:[\s,]*\b(?:{_FILLER_WORDS}))+$", re.IGNORECASE)
_NEGATED = re.compile(
    r"^(?:no|not|non|without|zero|lack of|absence of|absent)\b[\s-]*|[\s-](?:free|less|absent)$",
    re.IGNORECASE,
)
# Phrases that contain a splitting word but name one thing.
_COMPOUNDS = re.compile(
    r"\b(?:rock and roll|rock n roll|drum and bass|rhythm and blues|r and b|call and response|"
    r"question and answer|loud and clear|hard and fast|stop and go|bread and butter)\b",
    re.IGNORECASE,
)
_JOIN = "\u01c2"  # a letter (so \b does not split on it) standing in for spaces inside compounds
_WORD = re.compile(r"[a-z0-9&']+")

# Avoiding any word on the left avoids every word of its family (whole stemmed words, see ``stems``).
_VOCAL_FAMILY = (
    "vocal", "vocals", "vocalist", "voice", "voices", "singer", "singers", "singing", "sung", "sings",
    "choir", "choral", "chorus", "rap", "rapper", "rapping", "a cappella", "acapella", "chant", "chanting",
    "humming", "lyrics", "lyric", "yodel", "yodeling", "crooner", "crooning", "spoken word", "beatbox",
    "scat", "vocalise",
)
# Words naming a voice in general: avoiding any of them avoids the whole family.
VOCAL_WORDS = ("vocal", "vocals", "voice", "voices", "singing", "singer", "singers", "lyrics")
AVOID_FAMILIES: dict[str, tuple[str, ...]] = {
    **{w: _VOCAL_FAMILY for w in VOCAL_WORDS},
    "guitar": ("guitar", "guitars", "guitarist"),
    "drums": ("drum", "drums", "drummer", "drumming", "drum kit"),
    "piano": ("piano", "pianist", "keys"),
    "saxophone": ("saxophone", "sax", "saxophonist"),
    "violin": ("violin", "fiddle", "violinist"),
}
# Nouns that head a descriptor: a term that only modifies one of them ("string" in "nylon-string guitar",
# "chorus" in "chorus-effect guitar riff", "drum" in "drum and bass") does not rule the descriptor out.
INSTRUMENT_NOUNS = frozenset(
    (
        "guitar", "piano", "bass", "drum", "synth", "organ", "violin", "cello", "viola", "saxophone", "sax",
        "trumpet", "horn", "trombone", "flute", "clarinet", "harp", "banjo", "ukulele", "mandolin",
        "accordion", "harmonica", "keyboard", "melodica", "sitar", "marimba", "vibraphone", "xylophone",
        "tuba", "oboe", "bassoon",
    )
)

# Modifiers that name opposite kinds of one thing: avoiding "fast tempo" keeps "slow tempo", avoiding
# "male vocals" keeps "female vocal", however close their embeddings are.
OPPOSED_WORDS: dict[str, frozenset[str]] = {
    a: frozenset(b)
    for a, b in {
        "fast": ("slow", "mid", "downtempo"), "slow": ("fast", "mid", "uptempo"), "mid": ("fast", "slow"),
        "male": ("female",), "female": ("male",), "acoustic": ("electric", "electronic"),
        "electric": ("acoustic",), "major": ("minor",), "minor": ("major",), "high": ("low",),
        "low": ("high",), "happy": ("sad",), "sad": ("happy",), "loud": ("soft", "quiet"),
        "soft": ("loud", "hard"), "light": ("heavy", "dark"), "heavy": ("light",),
    }.items()
}


def _opposed(term: tuple[str, ...], desc: tuple[str, ...]) -> bool:
    """Does ``desc`` name the opposite kind of what ``term`` names ("slow tempo" for "fast tempo")?"""
    return any(w not in desc and OPPOSED_WORDS.get(w, frozenset()) & set(desc) for w in term)


def similarity_stats(vectors: np.ndarray, sample: int = 1500, seed: int = 0) -> tuple[float, float]:
    """Mean and standard deviation of the cosine between distinct pairs of (up to ``sample``) vectors.

    Example:
        >>> similarity_stats(np.eye(3, dtype="float32"))
        (0.0, 0.0)
    """
    if len(vectors) < 2:
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    pick = vectors if len(vectors) <= sample else vectors[rng.choice(len(vectors), sample, replace=False)]
    sims = pick @ pick.T
    upper = sims[np.triu_indices(len(pick), 1)]
    return round(float(upper.mean()), 6), round(float(upper.std()), 6)


def split_phrases(query: str) -> list[str]:
    """Split a request into short phrases (filler trimmed, duplicates removed, order kept).

    Example:
        >>> split_phrases("I want some tropical songs with steel drums and an upbeat feel.")
        ['tropical', 'steel drums', 'upbeat feel']
        >>> split_phrases("rock and roll, no vocals")
        ['rock and roll', 'no vocals']
    """
    phrases: list[str] = []
    protected = _COMPOUNDS.sub(lambda m: m.group(0).replace(" ", _JOIN), query.replace(_JOIN, " "))
    for part in _SPLIT.split(protected):
        part = part.replace(_JOIN, " ")
        text = _TRAILING.sub("", _LEADING.sub("", " ".join(part.split()))).strip(" .-'\"")
        if text and text.lower() not in (p.lower() for p in phrases):
            phrases.append(text)
    return phrases or ([" ".join(query.split())] if query.strip() else [])


def is_negated(descriptor: str) -> bool:
    """True for descriptors that state an absence ("no vocals", "without drums", "vocal-free").

    Example:
        >>> is_negated("no voice"), is_negated("vocal-free"), is_negated("nostalgic")
        (True, True, False)
    """
    return bool(_NEGATED.search(descriptor.strip()))


def stems(text: str) -> tuple[str, ...]:
    """Lower-cased words with a plural ``s`` removed ("Steel Drums" -> ("steel", "drum"))."""
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                 for w in _WORD.findall(text.lower()))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _rules_out(desc: tuple[str, ...], needle: tuple[str, ...], allowed: set[str]) -> bool:
    """``needle`` occurs in ``desc`` and is not just a modifier of another instrument named after it.

    Example:
        >>> _rules_out(("nylon", "string", "guitar"), ("string",), {"string"})
        False
        >>> _rules_out(("orchestral", "string"), ("string",), {"string"})
        True
    """
    n = len(needle)
    for i in range(len(desc) - n + 1):
        if desc[i : i + n] == needle:
            return not any(w in INSTRUMENT_NOUNS and w not in allowed for w in desc[i + n :])
    return False


class DescriptorMatcher:
    """Similarities between request phrases and a catalog's unique descriptors.

    Args:
        descriptors: the unique descriptors of a catalog.
        vectors: their unit-length embeddings, float32 [n, dim], same order.
        config: thresholds.

    Example:
        >>> m = DescriptorMatcher(["steel drums", "piano"], np.eye(2, dtype="float32"))
        >>> m.match(["steel drums"], np.array([[1.0, 0.0]], "float32"), m.ids(["steel drums", "piano"]))
        [DescriptorMatch(query_phrase='steel drums', descriptor='steel drums', score=1.0)]
    """

    def __init__(
        self, descriptors: Sequence[str], vectors: np.ndarray, config: MatchConfig | None = None
    ) -> None:
        self.descriptors = list(descriptors)
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if len(self.descriptors) != len(self.vectors):
            raise ValueError(f"{len(self.descriptors)} descriptors but {len(self.vectors)} vectors")
        self.config = config or MatchConfig()
        self.stats = similarity_stats(self.vectors)
        mean, std = self.stats
        auto_match = round(mean + self.config.match_z * std, 4) if std else 0.6
        auto_avoid = round(mean + self.config.avoid_z * std, 4) if std else 0.72
        self.match_threshold: float = self.config.match_threshold or auto_match
        self.avoid_threshold: float = self.config.avoid_threshold or auto_avoid
        auto_strict = round(mean + self.config.avoid_strict_z * std, 4) if std else 0.85
        self.avoid_strict: float = self.config.avoid_strict_threshold or auto_strict
        self._index = {d: i for i, d in enumerate(self.descriptors)}
        self._stems = [stems(d) for d in self.descriptors]
        self._negated = np.array([is_negated(d) for d in self.descriptors], dtype=bool)

    def ids(self, descriptors: Sequence[str]) -> np.ndarray:
        """Row numbers of ``descriptors`` (each must be one of the catalog's)."""
        return np.fromiter((self._index[d] for d in descriptors), dtype=np.int64, count=len(descriptors))

    def match(
        self, phrases: Sequence[str], phrase_vecs: np.ndarray, desc_ids: np.ndarray
    ) -> list[DescriptorMatch]:
        """For each descriptor, its best phrase when similar enough (or verbatim in it); best first."""
        if not len(phrases) or not len(desc_ids):
            return []
        sims = phrase_vecs @ self.vectors[desc_ids].T  # [phrases, descriptors]
        lowered = [p.lower() for p in phrases]
        out: list[DescriptorMatch] = []
        for col, did in enumerate(desc_ids):
            name = self.descriptors[did]
            best = int(np.argmax(sims[:, col]))
            score = float(sims[best, col])
            verbatim = [i for i, p in enumerate(lowered) if _contains(stems(p), self._stems[did])]
            if verbatim and score < self.match_threshold:
                best = max(verbatim, key=lambda i: sims[i, col])
                score = float(sims[best, col])
            if score >= self.match_threshold or verbatim:
                out.append(DescriptorMatch(phrases[best], name, round(score, 4)))
        return sorted(out, key=lambda m: -m.score)

    def coverage(self, phrase_vecs: np.ndarray, desc_ids: np.ndarray) -> float:
        """Mean over phrases of the best cosine to any of ``desc_ids`` (0 when either is empty)."""
        if not len(phrase_vecs) or not len(desc_ids):
            return 0.0
        return float((phrase_vecs @ self.vectors[desc_ids].T).max(axis=1).mean())

    def avoided(self, term: str, term_vec: np.ndarray) -> dict[int, float]:
        """Descriptor rows that ``term`` rules out, with their cosine to the term."""
        sims = self.vectors @ np.asarray(term_vec, dtype=np.float32).reshape(-1)
        words = [stems(w) for w in {term.lower(), *AVOID_FAMILIES.get(term.lower().strip(), ())}]
        words = [w for w in words if w]
        allowed = {s for w in words for s in w}
        head = stems(term)[-1:] if stems(term) else ()
        joined = "".join(stems(term))  # "autotune" is "auto-tune"
        hit = np.zeros(len(self.descriptors), dtype=bool)
        term_stems = stems(term)
        # a long term ends in the thing it qualifies: "big horn section" rules out "horn section"
        tail = term_stems[-2:] if len(term_stems) >= 3 else ()
        for i in np.flatnonzero(~self._negated):
            desc = self._stems[i]
            if _opposed(term_stems, desc):
                continue
            same = bool(joined) and "".join(desc) == joined
            lexical = same or desc == tail or any(_rules_out(desc, w, allowed) for w in words)
            close = sims[i] >= self.avoid_strict or (  # a close paraphrase ("synthesizers" for "synth")
                sims[i] >= self.avoid_threshold and bool(head) and _rules_out(desc, head, allowed)
            )
            hit[i] = lexical or close
        return {int(i): round(float(sims[i]), 4) for i in np.flatnonzero(hit)}
