"""benchmarks/teacher_rerank.py: a teacher scored as a reranker of BM25's top k, beside BM25 alone."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "teacher_rerank.py"
_spec = importlib.util.spec_from_file_location("teacher_rerank", _PATH)
assert _spec and _spec.loader
teacher_rerank = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(teacher_rerank)

GENRES = ["rock", "jazz", "folk", "metal", "pop", "blues", "soul", "funk", "punk", "disco", "house", "trance"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """12 documents that all say "guitar", so BM25 ties on the query word and ranks the genre first."""
    root = tmp_path / "dev"
    (root / "qrels").mkdir(parents=True)
    docs = [{"_id": f"d{i}", "text": f"{g}, guitar"} for i, g in enumerate(GENRES)]
    (root / "corpus.jsonl").write_text("".join(json.dumps(d) + "\n" for d in docs))
    queries = [{"_id": "q0", "text": "guitar music please"}, {"_id": "q1", "text": "some rock guitar"}]
    (root / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries))
    (root / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq0\td11\t1\nq1\td0\t1\n")
    return root


class OracleTeacher:
    """Scores the one relevant document of each query highest: a reranker cannot do better."""

    def predict(self, pairs: list[tuple[str, str]], **_: object) -> list[float]:
        best = {"guitar music please": "trance, guitar", "some rock guitar": "rock, guitar"}
        return [1.0 if best[q] == d else 0.0 for q, d in pairs]


def test_an_oracle_teacher_finds_what_bm25_ties_on(folder: Path) -> None:
    figures = teacher_rerank.rerank_folder(OracleTeacher(), folder, depth=12, sample=None)
    assert figures["teacher"] == 100.0 and figures["queries"] == 2.0
    # q1 names its genre, so BM25 finds it; q0's "trance" is one of 12 ties on "guitar" alone.
    assert figures["bm25"] in (50.0, 100.0) and figures["teacher+bm25"] >= figures["bm25"]


def test_sample_draws_as_the_training_runs_rerank_report_does(folder: Path) -> None:
    import random

    assert teacher_rerank.rerank_folder(OracleTeacher(), folder, 12, sample=1)["queries"] == 1.0
    assert teacher_rerank.pick_queries(1072, 200) == sorted(random.Random(0).sample(range(1072), 200))


@pytest.mark.realmodel
def test_a_real_cross_encoder_through_main(folder: Path, tiny_model_path: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    from sentence_transformers.cross_encoder import CrossEncoder

    teacher_dir = tmp_path / "teacher"
    CrossEncoder(str(tiny_model_path), num_labels=1, device="cpu").save(str(teacher_dir))
    out = tmp_path / "figures.json"
    assert teacher_rerank.main(["--teacher", str(teacher_dir), "--folders", str(folder),
                                "--depth", "12", "--output", str(out)]) == 0
    figures = json.loads(out.read_text())["teacher"]["folders"][str(folder)]
    assert set(figures) == {"bm25", "teacher", "teacher+bm25", "queries"}
    assert all(0.0 <= figures[k] <= 100.0 for k in ("bm25", "teacher", "teacher+bm25"))
    assert "teacher+bm25" in capsys.readouterr().out


def test_main_needs_a_teacher_or_variants(folder: Path) -> None:
    with pytest.raises(SystemExit):
        teacher_rerank.main(["--folders", str(folder)])


def test_label_weights_rank_by_the_pseudo_label_fusion(folder: Path) -> None:
    class FlatTeacher:  # no opinion: the label fusion then ranks as BM25 does
        def predict(self, pairs: list[tuple[str, str]], **_: object) -> list[float]:
            return [0.5 for _ in pairs]

    figures = teacher_rerank.rerank_folder(FlatTeacher(), folder, 12, None, label_weights=(1.0,))
    assert figures["label w=1"] == figures["bm25"]
    oracle = teacher_rerank.rerank_folder(OracleTeacher(), folder, 12, None, label_weights=(0.0,))
    assert oracle["label w=0"] == 100.0  # weight 0: the teacher alone
