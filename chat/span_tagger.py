"""The span tagger: which words of a post are wanted, which rejected (a trained MiniLM token classifier).

``SpanTagger.tag(text)`` returns ``Spans(wanted, rejected)``: phrases copied from the text, whole
words, in order. Trained by ``training.parser_train`` on generated posts; loaded lazily, on the CPU, in
the app's own process (it is torch like the retriever, not native model code). A missing model is not
an error: ``SpanTagger.load`` returns None and the rules work alone.

Out of scope: dialog operations (swaps, resets, references: ``chat.rules_condenser``,
``chat.references``) and deciding what to do with the spans (``chat.rules_condenser``).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
MAX_TOKENS = 256


@dataclass
class Spans:
    """Phrases of one post by label."""

    wanted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def group_words(text: str, offsets: list[tuple[int, int]], labels: list[str]) -> Spans:
    """Runs of same-labelled tokens as phrases, widened to whole words (a word takes its first token's
    label).

    Example:
        >>> group_words("calm piano no drums", [(0, 4), (5, 10), (11, 13), (14, 19)],
        ...             ["WANT", "WANT", "O", "REJECT"])
        Spans(wanted=['calm piano'], rejected=['drums'])
    """
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    word_labels = []
    for start, end in words:
        first = next((lab for (s, e), lab in zip(offsets, labels, strict=True) if s >= start and e <= end
                      and e > s), "O")
        word_labels.append(first)
    spans = Spans()
    run: list[int] = []
    for i, label in enumerate([*word_labels, "O"]):
        if run and (label != word_labels[run[0]] or _breaks(text, words, run[-1])):
            phrase = text[words[run[0]][0] : words[run[-1]][1]].strip(" ,.;:!?\"'()")
            (spans.wanted if word_labels[run[0]] == "WANT" else spans.rejected).append(phrase)
            run = []
        if i < len(word_labels) and label != "O":
            run.append(i)
    return spans


def _breaks(text: str, words: list[tuple[int, int]], i: int) -> bool:
    """A phrase ends at a word that ends in punctuation."""
    return text[words[i][1] - 1] in ",.;:!?|"


class SpanTagger:
    """A loaded tagger.

    Example:
        >>> tagger = SpanTagger.load(Path("/nonexistent"))  # no model: the rules work alone
        >>> tagger is None
        True
    """

    def __init__(self, model: Any, tokenizer: Any) -> None:
        self.model, self.tokenizer = model, tokenizer
        self.labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
        self._lock = threading.Lock()
        self.tag = lru_cache(maxsize=1024)(self._tag)  # a dialog's earlier turns come back every turn

    @classmethod
    def load(cls, path: Path) -> SpanTagger | None:
        if not (path / "labels.json").is_file():
            logger.info("no span tagger at %s; the rules work alone", path)
            return None
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        info = json.loads((path / "labels.json").read_text(encoding="utf-8"))
        model = AutoModelForTokenClassification.from_pretrained(path, dtype=torch.float32).eval()
        logger.info("span tagger loaded from %s (%s posts)", path, info.get("posts"))
        return cls(model, AutoTokenizer.from_pretrained(path))

    def _tag(self, text: str) -> Spans:
        import torch

        enc = self.tokenizer(text, truncation=True, max_length=MAX_TOKENS, return_offsets_mapping=True,
                             return_tensors="pt")
        offsets = [tuple(o) for o in enc.pop("offset_mapping")[0].tolist()]
        with self._lock, torch.inference_mode():
            ids = self.model(**enc).logits[0].argmax(-1).tolist()
        keep = [(o, self.labels[i]) for o, i in zip(offsets, ids, strict=True) if o[1] > o[0]]
        return group_words(text, [o for o, _ in keep], [lab for _, lab in keep])


def extra_rejections(
    spans: Spans, avoid: Sequence[str], wanted: Sequence[str], clean: Callable[[str], str]
) -> list[str]:
    """Rejected phrases the rules missed: cleaned, at most four words, sharing no word with an avoided
    term, and not inside a term the rules want (where the two disagree, the rules win).

    Example:
        >>> extra_rejections(Spans(rejected=["the cheesy sax", "drums", "piano"]), ["drums"],
        ...                  ["calm piano"], str.strip)
        ['the cheesy sax']
    """
    out: list[str] = []
    for phrase in spans.rejected:
        term = clean(phrase)
        words = set(term.replace("_", " ").split())
        if not words or len(words) > 4:
            continue
        if any(words & set(a.replace("_", " ").split()) for a in [*avoid, *out]):
            continue
        if any(words <= set(w.replace("_", " ").split()) for w in wanted):
            continue
        out.append(term)
    return out
