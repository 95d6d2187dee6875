"""benchmarks/agent_requests.py: folders built from the committed agent-written requests."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "agent_requests.py"
_spec = importlib.util.spec_from_file_location("agent_requests", _PATH)
assert _spec and _spec.loader
agent_requests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(agent_requests)
CHECK = agent_requests.DEVSETS / "musiccaps_dev_agent_requests_check.jsonl"


def _dev_folder(root: Path) -> None:
    folder = root / "sentence-seed0"
    folder.mkdir(parents=True)
    (folder / "corpus.jsonl").write_text('{"_id": "d1", "text": "piano, sad"}\n')
    (folder / "qrels").mkdir()
    (folder / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td1\t1\n")
    (folder / "queries.jsonl").write_text('{"_id": "q1", "text": "A sad piano plays."}\n'
                                          '{"_id": "q2", "text": "The piano is sad."}\n')


def test_build_replaces_query_texts_and_drops_rows_whose_source_changed(tmp_path: Path) -> None:
    _dev_folder(tmp_path / "B")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(json.dumps({"folder": "sentence-seed0", "query_id": "q1", "source": "A sad piano plays.",
                                "text": "any sad piano songs?"}) + "\n" +
                    json.dumps({"folder": "sentence-seed0", "query_id": "q2", "source": "changed since",
                                "text": "x"}) + "\n")
    counts = agent_requests.build(tmp_path / "B", tmp_path / "A", rows)
    assert counts == {"dropped": 1, "sentence-seed0": 1}
    queries = (tmp_path / "A" / "sentence-seed0" / "queries.jsonl").read_text().splitlines()
    assert [json.loads(q)["text"] for q in queries] == ["any sad piano songs?"]
    assert (tmp_path / "A" / "sentence-seed0" / "qrels" / "test.tsv").is_file()


def test_a_missing_dev_folder_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make-benchmark"):
        agent_requests.build(tmp_path / "nothing", tmp_path / "A")
    _dev_folder(tmp_path / "B")
    with pytest.raises(ValueError, match="is the dev folder itself"):
        agent_requests.build(tmp_path / "B", tmp_path / "B")
    assert (tmp_path / "B" / "sentence-seed0" / "queries.jsonl").is_file()


@pytest.mark.parametrize("path", [agent_requests.ROWS, CHECK])
def test_committed_rows_are_rewrites_not_copies(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    keys = [(r["folder"], r["query_id"]) for r in rows]
    assert len(keys) == len(set(keys)) and len(rows) >= 300
    assert all(r["text"].strip() and r["text"].strip().lower() != r["source"].strip().lower() for r in rows)


def test_the_check_set_shares_no_sentence_with_the_tuning_set() -> None:
    tuning = {json.loads(line)["source"] for line in agent_requests.ROWS.read_text().splitlines()}
    check = {json.loads(line)["source"] for line in CHECK.read_text().splitlines()}
    assert not tuning & check
