"""benchmarks/llm_requests.py: the rewrite filter, with a scripted fake LLM (the real run is in docs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "llm_requests.py"
_spec = importlib.util.spec_from_file_location("llm_requests", _PATH)
assert _spec and _spec.loader
llm_requests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(llm_requests)


class ScriptedLLM:
    """Answers with the next scripted text and records the messages it was sent."""

    def __init__(self, answers: list[str]) -> None:
        self.answers, self.seen = list(answers), []  # type: ignore[var-annotated]

    def create_chat_completion(self, messages: list[dict], **_: Any) -> dict:
        self.seen.append(messages)
        return {"choices": [{"message": {"content": self.answers.pop(0)}}]}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        # first line only, without its quotes
        ('"i\'d like a slow piano song"\nSure, here you go!', "i'd like a slow piano song"),
        ("A slow piano song.", ""),  # echoes the description (case-insensitive)
        ("   ", ""),
        ("x" * 301, ""),
    ],
)
def test_rephrase_keeps_first_line_and_drops_unusable_answers(answer: str, expected: str) -> None:
    llm = ScriptedLLM([answer])
    assert llm_requests.rephrase(llm, "a slow piano song.") == expected
    sent = llm.seen[0]
    assert sent[0]["role"] == "system" and sent[-1] == {"role": "user", "content": "a slow piano song."}
    assert len(sent) == 2 + 2 * len(llm_requests.EXAMPLES)


def test_rewrite_cache_reuses_known_rewrites_and_appends_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "rewrites.jsonl"
    llm = ScriptedLLM(["got any slow piano?"])
    cache = llm_requests.RewriteCache(path)
    assert cache.get(lambda: llm, "A slow piano song.") == "got any slow piano?"
    again = llm_requests.RewriteCache(path)  # a fresh process reads the file
    assert again.get(lambda: pytest.fail("the LLM must not be asked twice"), "A slow piano song.") == (
        "got any slow piano?")
    assert len(path.read_text().splitlines()) == 1 and len(llm.seen) == 1


def test_build_from_a_full_cache_needs_no_llm(tmp_path: Path) -> None:
    import json

    src = tmp_path / "src"
    (src / "qrels").mkdir(parents=True)
    (src / "corpus.jsonl").write_text(json.dumps({"_id": "d1", "text": "piano, slow"}) + "\n")
    (src / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "A slow piano song."}) + "\n")
    (src / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\n")
    cache = tmp_path / "rewrites.jsonl"
    cache.write_text(json.dumps({"source_sha256": llm_requests.source_key("A slow piano song."),
                                 "text": "slow piano please"}) + "\n")
    stats = llm_requests.build(src, tmp_path / "out", n_queries=5, seed=0, rewrites=cache)
    assert stats["queries"] == 1 and stats["llm_loaded"] is False
    row = json.loads((tmp_path / "out" / "queries.jsonl").read_text())
    assert row == {"_id": "q1", "text": "slow piano please", "source": "A slow piano song."}
    assert "q1\td1\t1" in (tmp_path / "out" / "qrels" / "test.tsv").read_text()
