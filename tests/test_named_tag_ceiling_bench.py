"""benchmarks/named_tag_ceiling.py: the estimate on worked examples."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import named_tag_ceiling  # noqa: E402


def test_named_tags_are_whole_words_case_folded() -> None:
    tags = {"rock", "hip hop", "piano"}
    assert named_tag_ceiling.named_tags(tags, "Some HIP HOP with rocking piano") == {"hip hop", "piano"}


def test_expected_recall_is_k_over_the_candidates_capped_at_one() -> None:
    corpus = [{"rock", "happy"}] + [{"rock", "happy", f"x{i}"} for i in range(19)] + [{"jazz"}]
    # "rock happy" names both tags: 20 sets hold them, so 10 / 20; "jazz" names one held by one set: 1.
    queries = [({"rock", "happy"}, "happy rock"), ({"jazz"}, "smooth jazz")]
    assert named_tag_ceiling.expected_recall(queries, corpus) == pytest.approx((0.5 + 1.0) / 2)
    # naming nothing leaves the whole corpus (21 sets) as candidates
    assert named_tag_ceiling.expected_recall([({"jazz"}, "something nice")], corpus) == pytest.approx(10 / 21)


def test_the_cli_reads_a_beir_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "qrels").mkdir()
    docs = ["rock, happy", "rock, sad", "jazz"]
    (tmp_path / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(docs)))
    (tmp_path / "queries.jsonl").write_text(json.dumps({"_id": "q0", "text": "happy rock"}) + "\n")
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq0\td0\t1\n")
    assert named_tag_ceiling.main([str(tmp_path), "-k", "1"]) == 0
    assert "expected Recall@1 100.0" in capsys.readouterr().out
