"""Lexicon query expansion (retrieval.retrievers.query_expansion) and BM25/hybrid with it on and off."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.retrievers import BM25Retriever, build_retriever
from retrieval.retrievers.query_expansion import QueryExpander, lexicon_pairs

JAMENDO_LIKE = ["instrumental, piano", "electronic, dance", "rock, vocals", "dark, ambient",
                "acoustic guitar, folk"]


def test_each_rule_by_example() -> None:
    pairs = [
        ("no vocals", "instrumental"),  # kept: the catalog has "instrumental", shares no word
        ("synth music", "electronic"),  # kept
        ("acoustic", "acoustic guitar"),  # dropped: shares "acoustic" (would add "guitar")
        ("vocals", "singing"),  # dropped: "singing" is not a catalog descriptor
        ("rock", "guitar music"),  # dropped: "rock" is a catalog descriptor itself
        ("ominous", "dark"),  # dropped: points at two descriptors
        ("ominous", "ambient"),
        ("dance", "electronic"),  # dropped: one-word phrase that is already a catalog word
    ]
    expander = QueryExpander(pairs).fit(JAMENDO_LIKE)
    assert len(expander) == 2
    assert expander.expand("Synth music with NO VOCALS please") == ["electronic", "instrumental"]
    assert expander.expand("acoustic, ominous, dance, vocals") == []


def test_whole_phrases_only_and_named_descriptors_not_repeated() -> None:
    expander = QueryExpander([("no vocals", "instrumental")]).fit(JAMENDO_LIKE)
    assert expander.expand("no vocalsssss") == [] and expander.expand("piano-no vocals") == []
    assert expander.expand("instrumental, no vocals") == []  # the query already names it
    assert expander.expand("") == [] and expander.expand("🎹 ≠ no vocals…") == ["instrumental"]


def test_bm25_adds_the_expansion_score_with_its_weight() -> None:
    plain = BM25Retriever().fit(JAMENDO_LIKE)
    expanded = BM25Retriever(expand=True, expansion_weight=0.5).fit(JAMENDO_LIKE)
    query = "something with no lyrics"  # the packaged lexicon: "no lyrics" -> instrumental
    assert not plain.score_all([query]).any()  # no catalog word in it
    assert expanded.expansions([query]) == [["instrumental"]]
    want = plain.score_all([query]) + 0.5 * plain.score_all(["instrumental"])
    np.testing.assert_allclose(expanded.score_all([query]), want, atol=1e-6)
    assert expanded.search([query], k=1)[0][0][0] == 0
    assert plain.expansions([query]) == [[]]


def test_packaged_lexicons_expand_listener_words_onto_jamendo_tags() -> None:
    pairs = lexicon_pairs()
    assert len(pairs) > 3000 and ("no vocals", "instrumental") in pairs
    expander = QueryExpander(pairs).fit(["instrumental, electronic", "dark, synthesizer", "happy, pop"])
    assert "instrumental" in expander.expand("chill beats, no vocals")
    assert "dark" in expander.expand("kind of ominous and sinister")


def test_missing_or_bad_lexicon_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="expand=False"):
        lexicon_pairs(tmp_path)
    (tmp_path / "musiccaps_paraphrases.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "jamendo_tags.json").write_text(json.dumps({}), encoding="utf-8")
    with pytest.raises(ValueError, match="expected a JSON object"):
        lexicon_pairs(tmp_path)


def test_hybrid_expands_by_default_and_plain_bm25_does_not() -> None:
    hybrid = build_retriever("hybrid", model="minilm")
    assert hybrid.sparse.config.expand is True  # type: ignore[attr-defined]
    assert build_retriever("hybrid", model="minilm", expand=False).sparse.config.expand is False  # type: ignore[attr-defined]
    assert build_retriever("bm25").config.expand is False  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="bm25 sparse part"):
        build_retriever("hybrid", model="minilm", sparse="tfidf", expand=True)
