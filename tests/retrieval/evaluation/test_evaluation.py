"""Tests for retrieval.evaluation.evaluate and the make-benchmark / evaluate commands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.cli import main
from retrieval.errors import BenchmarkError
from retrieval.evaluation.evaluate import aggregate, evaluate_retriever, load_beir
from retrieval.retrievers import TfidfRetriever
from retrieval.retrievers.base import Ranking, Retriever

FIXTURE_CSV = Path(__file__).parents[2] / "fixtures" / "musiccaps20.csv"


def _write_beir(root: Path, corpus: list[str], queries: list[str], qrels: list[tuple[str, str]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "corpus.jsonl").write_text(
        "".join(json.dumps({"_id": f"d{i}", "title": "", "text": t}) + "\n" for i, t in enumerate(corpus))
    )
    (root / "queries.jsonl").write_text(
        "".join(json.dumps({"_id": f"q{i}", "text": t}) + "\n" for i, t in enumerate(queries))
    )
    (root / "qrels").mkdir(exist_ok=True)
    (root / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, d in qrels)
    )
    return root


class FixedRetriever(Retriever):
    """A fake: ranks documents in a fixed order for every query (unit tests only)."""

    def __init__(self, order: list[int]) -> None:
        self.order = order

    def fit(self, corpus: Sequence[str]) -> FixedRetriever:
        return self

    def search(self, queries: Sequence[str], k: int = 10) -> list[Ranking]:
        return [[(i, 1.0 / (r + 1)) for r, i in enumerate(self.order[:k])] for _ in queries]


def test_evaluate_with_fixed_ranking_worked_example(tmp_path: Path) -> None:
    # order d2, d0, d1: q0 -> d0 at rank 2, q1 -> d2 at rank 1
    # R@1 = (0 + 1)/2 = 0.5; MRR = (1/2 + 1)/2 = 0.75; nDCG = (1/log2(3) + 1)/2 = 0.8155
    root = _write_beir(tmp_path / "b", ["a", "b", "c"], ["x", "y"], [("q0", "d0"), ("q1", "d2")])
    result = evaluate_retriever(FixedRetriever([2, 0, 1]), root)
    assert result["recall@1"] == 0.5 and result["recall@5"] == 1.0
    assert result["mrr@10"] == pytest.approx(0.75)
    assert result["ndcg@10"] == pytest.approx((1 / np.log2(3) + 1) / 2)
    assert (result["queries"], result["documents"]) == (2, 3)


def test_evaluate_real_tfidf_on_tiny_benchmark(tmp_path: Path) -> None:
    root = _write_beir(
        tmp_path / "b",
        ["steel drums, tropical", "piano, sad", "heavy metal, fast tempo"],
        ["a sad song on the piano", "fast heavy metal"],
        [("q0", "d1"), ("q1", "d2")],
    )
    assert evaluate_retriever(TfidfRetriever(), root)["recall@1"] == 1.0


def test_load_beir_keeps_only_judged_queries(tmp_path: Path) -> None:
    root = _write_beir(tmp_path / "b", ["a", "b"], ["x", "y"], [("q1", "d0")])
    data = load_beir(root)
    assert data.query_ids == ["q1"] and data.qrels == {"q1": {"d0": 1}} and data.doc_texts == ["a", "b"]


def test_load_beir_errors_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(BenchmarkError, match="corpus.jsonl is missing.*make-benchmark"):
        load_beir(tmp_path / "nothing")
    root = _write_beir(tmp_path / "b", ["a"], ["x"], [("q0", "d9")])
    with pytest.raises(BenchmarkError, match="not in corpus.jsonl.*d9"):
        load_beir(root)
    (root / "queries.jsonl").write_text('{"_id": "q0", "text": "x"}\n{broken\n')
    with pytest.raises(BenchmarkError, match=r"queries.jsonl:2: not valid JSON"):
        load_beir(root)
    (root / "queries.jsonl").write_text('{"_id": "q0"}\n')
    with pytest.raises(BenchmarkError, match=r"queries.jsonl:1: missing field\(s\) text"):
        load_beir(root)
    _write_beir(root, ["a"], ["x"], [])
    (root / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq0 d0 1\n")
    with pytest.raises(BenchmarkError, match=r"test.tsv:2: expected 'query-id<TAB>"):
        load_beir(root)


def test_aggregate_mean_and_sample_std() -> None:
    agg = aggregate([{"recall@10": 0.5}, {"recall@10": 1.0}], ["recall@10"])["recall@10"]
    assert agg["mean"] == 0.75 and agg["std"] == pytest.approx(np.sqrt(0.125))  # stdev of (0.5, 1.0)
    assert aggregate([{"recall@10": 0.5}], ["recall@10"])["recall@10"]["std"] == 0.0


def test_cli_make_benchmark_and_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench"
    code = main(
        [
            "make-benchmark",
            "--dataset",
            f"musiccaps:{FIXTURE_CSV}",
            "--split",
            "all",
            "--variant",
            "sentence",
            "song",
            "--seeds",
            "0",
            "1",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["sentence-seed0", "sentence-seed1", "song-seed0"]
    report = tmp_path / "r.json"
    dirs = [str(p) for p in sorted(out.iterdir())]
    assert main(["evaluate", *dirs, "--retriever", "bm25", "--output", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "sentence (mean)" in printed and "recall@10" in printed
    payload = json.loads(report.read_text())
    assert payload["retriever"] == "bm25" and set(payload["folders"]) == set(dirs)
    sent = payload["groups"]["sentence"]
    values = [payload["folders"][d]["recall@10"] for d in dirs[:2]]
    assert sent["recall@10"]["mean"] == pytest.approx(np.mean(values))
    assert 0.5 < sent["recall@10"]["mean"] <= 1.0


def test_cli_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(tmp_path / "missing"), "--retriever", "tfidf"]) == 2
    assert "corpus.jsonl is missing" in capsys.readouterr().err
    root = _write_beir(tmp_path / "b", ["piano"], ["sad piano"], [("q0", "d0")])
    assert main(["evaluate", str(root), "--retriever", "tfidf", "--hybrid-weight", "0.5"]) == 2
    assert "only applies to --retriever hybrid" in capsys.readouterr().err
    empty = _write_beir(tmp_path / "e", ["a"], ["x"], [("q0", "d0")])  # one-letter words: no tf-idf terms
    assert main(["evaluate", str(empty), "--retriever", "tfidf"]) == 2
    assert "TF-IDF found no terms" in capsys.readouterr().err


def test_cli_set_prior_flags_and_results_file(tmp_path: Path, tiny_model_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """A Jamendo-vocabulary corpus: the prior is applied by default, off with --no-set-prior, recorded."""
    docs = ["rock", "rock, guitar, energetic", "jazz, piano, calm", "electronic", "ambient, synthesizer"]
    root = _write_beir(tmp_path / "j", docs, ["a loud guitar band"], [("q0", "d0")])
    common = ["evaluate", str(root), "--retriever", "hybrid", "--model", str(tiny_model_path),
              "--no-embedding-cache"]
    assert main([*common, "--output", str(tmp_path / "on.json")]) == 0
    on = json.loads((tmp_path / "on.json").read_text())
    assert on["set_prior"]["weight"] == 0.3 and on["set_prior"]["name"].startswith("MTG-Jamendo")
    assert on["folders"][str(root)]["set_prior_active"] == 1.0
    assert main([*common, "--no-set-prior", "--output", str(tmp_path / "off.json")]) == 0
    off = json.loads((tmp_path / "off.json").read_text())
    assert off["set_prior"] is None and "set_prior_active" not in off["folders"][str(root)]
    assert main([*common, "--prior-weight", "0", "--output", str(tmp_path / "zero.json")]) == 0
    assert json.loads((tmp_path / "zero.json").read_text())["folders"][str(root)]["set_prior_active"] == 0.0
    capsys.readouterr()
    assert main(["evaluate", str(root), "--retriever", "bm25", "--no-set-prior"]) == 2
    assert "--set-prior only applies to --retriever hybrid" in capsys.readouterr().err
