"""training.fused_teacher and the fused margins of training.pseudo_labels, on a 4-set corpus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from training.fused_teacher import bm25_zscores, query_zscores
from training.pseudo_labels import PseudoLabelConfig, margin, pseudo_label

CORPUS = ["piano, sad", "piano, happy", "rock, loud", "steel drums, tropical"]


def test_query_zscores_use_the_top_depth_only() -> None:
    z = query_zscores(np.array([3.0, 1.0, 0.0]), depth=3)
    assert z.mean() == pytest.approx(0.0) and z.std() == pytest.approx(1.0)
    flat = query_zscores(np.zeros(3), depth=2)  # a query no document matches: all 0, no division by 0
    assert flat.tolist() == [0.0, 0.0, 0.0]


def test_bm25_zscores_rank_the_matching_set_above_the_others() -> None:
    rows = [{"query": "sad piano", "positive": "piano, sad", "negative": "piano, happy"},
            {"query": "sad piano", "positive": "piano, sad", "negative": "rock, loud"}]
    pos, neg = bm25_zscores(rows, CORPUS, depth=4)
    assert pos[0] == pos[1] > neg[0] > neg[1]


def test_bm25_zscores_refuse_texts_outside_the_corpus() -> None:
    rows = [{"query": "q", "positive": "piano, sad", "negative": "jazz"}]
    with pytest.raises(ValueError, match="not in the run's corpus.jsonl"):
        bm25_zscores(rows, CORPUS)


def test_fused_margin_adds_bm25_evidence_and_zero_weight_is_the_teacher_alone() -> None:
    plain = PseudoLabelConfig(scale="prob")
    assert margin(0.9, 0.2, plain, pos_z=5.0, neg_z=-5.0) == margin(0.9, 0.2, plain) == 0.7
    fused = PseudoLabelConfig(scale="prob", bm25_weight=1.0)
    assert margin(0.6, 0.6, fused, pos_z=1.0, neg_z=-1.0) > 0 > margin(0.6, 0.6, fused, pos_z=-1.0, neg_z=1.0)
    assert -1.0 <= margin(0.999, 0.001, fused, pos_z=9.0, neg_z=-9.0) <= 1.0


def test_pseudo_label_stage_writes_fused_labels(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in CORPUS))
    rows = [{"query": "sad piano", "positive": "piano, sad", "negative": n, "pos_prob": 0.5, "neg_prob": 0.5,
             "kind": "sentence"} for n in ("piano, happy", "rock, loud")]
    (tmp_path / "negatives.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = pseudo_label(PseudoLabelConfig(bm25_weight=1.0, bm25_depth=4), tmp_path)
    labels = [json.loads(line)["label"] for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert result["triplets"] == 2 and 0 < labels[0] < labels[1]  # the unrelated set gets the larger margin
