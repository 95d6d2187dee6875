"""Lexicon query expansion for BM25: a listener's phrases -> the catalog's own descriptors (issue 13).

A listener types "no vocals", "synth music", "kind of ominous"; an MTG-Jamendo catalog says
"instrumental", "electronic", "dark". BM25 matches words, so it scores such a request near zero and
drags the hybrid below its dense half. ``QueryExpander`` reads the hand-written phrase lexicons of
``assets/lexicons`` (the ones training reads: ``jamendo_tags.json``'s ``say`` and ``sounds``,
``musiccaps_paraphrases.json``), and, fitted on a catalog, keeps a pair (phrase -> descriptor) only if

* the descriptor is one of the catalog's descriptors and the phrase is not (nothing to add otherwise);
* they share no word ("acoustic" -> "acoustic guitar" would add "guitar" to every "acoustic drums");
* the phrase points at one descriptor only ("symphonic" -> five classical tags is a guess);
* a one-word phrase is not already a word of the catalog ("groove" is a MusicCaps word; leave it to BM25).

These rules were chosen on the dev folders (docs/results.md, "Query expansion"); on the MusicCaps
ones they leave Recall@10 as it was, on the Jamendo listener descriptions the hybrid doubles.

Out of scope: negation ("not dark" expands to "dark"; in chat the condenser moves "not ..." into the
searcher's avoid terms), stemming, learned expansion (the dense model is that), phrases the lexicons
lack, other languages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from retrieval.catalog.dataset_readers import jamendo_descriptor

JAMENDO_LEXICON = "jamendo_tags.json"
MUSICCAPS_LEXICON = "musiccaps_paraphrases.json"
_WORD = re.compile(r"\w+")


def lexicon_pairs(folder: Path | None = None) -> list[tuple[str, str]]:
    """(phrase, descriptor) pairs of both lexicons, lower-cased, Jamendo tags read as the catalog reads them.

    Example:
        >>> ("no vocals", "instrumental") in lexicon_pairs()
        True
    """
    if folder is None:
        from retrieval.paths import lexicons_dir

        folder = lexicons_dir()
    pairs: list[tuple[str, str]] = []
    for descriptor, phrases in read_lexicon(folder / MUSICCAPS_LEXICON).items():
        pairs += [(p.lower(), descriptor) for p in phrases]
    for tag, entry in read_lexicon(folder / JAMENDO_LEXICON).items():
        descriptor = jamendo_descriptor(tag).lower()
        pairs += [(p.lower(), descriptor) for p in entry.get("say", []) + entry.get("sounds", [])]
    return pairs


def read_lexicon(path: Path) -> dict[str, Any]:
    """One lexicon file as a dict with lower-cased keys (training's descriptions read it too)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(
            f"cannot read the lexicon {path} (package data of 'assets'): {exc}; reinstall cratedigger, "
            "or turn query expansion off (BM25Config(expand=False))"
        ) from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object of descriptor -> phrases, "
                         f"got {type(data).__name__}")
    return {str(k).lower(): v for k, v in data.items()}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text))


def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])")


class QueryExpander:
    """Maps lexicon phrases found in a query to the fitted catalog's descriptors.

    Args:
        pairs: (phrase, descriptor) pairs; default: ``lexicon_pairs()`` (both packaged lexicons).

    Example:
        >>> e = QueryExpander([("no vocals", "instrumental"), ("synth music", "electronic")])
        >>> e = e.fit(["instrumental, piano", "electronic, dance", "rock, vocals"])
        >>> e.expand("synth music, no vocals")
        ['electronic', 'instrumental']
    """

    def __init__(self, pairs: Iterable[tuple[str, str]] | None = None) -> None:
        self.pairs = list(lexicon_pairs() if pairs is None else pairs)
        self._rules: list[tuple[re.Pattern[str], str]] = []
        self._named: dict[str, re.Pattern[str]] = {}  # descriptor -> its pattern (already in the query?)

    def fit(self, corpus: Sequence[str]) -> QueryExpander:
        """Keep the pairs that can help on ``corpus`` (comma-separated descriptor sets)."""
        descriptors = {d.strip().lower() for doc in corpus for d in doc.split(",") if d.strip()}
        catalog_words = {w for d in descriptors for w in _words(d)}
        targets: dict[str, set[str]] = {}
        for phrase, descriptor in self.pairs:
            if phrase in descriptors or descriptor not in descriptors or _words(phrase) & _words(descriptor):
                continue
            targets.setdefault(phrase, set()).add(descriptor)
        self._rules = [
            (_pattern(phrase), next(iter(found)))
            for phrase, found in sorted(targets.items())
            if len(found) == 1 and not (" " not in phrase and phrase in catalog_words)
        ]
        self._named = {d: _pattern(d) for _, d in self._rules}
        return self

    def expand(self, query: str) -> list[str]:
        """The descriptors the query's phrases point at that it does not name already, in query order."""
        text = query.lower()
        found: dict[str, int] = {}
        for pattern, descriptor in self._rules:
            match = pattern.search(text)
            if match and match.start() < found.get(descriptor, len(text) + 1):
                found[descriptor] = match.start()
        return [d for d in sorted(found, key=found.__getitem__) if not self._named[d].search(text)]

    def __len__(self) -> int:
        return len(self._rules)
