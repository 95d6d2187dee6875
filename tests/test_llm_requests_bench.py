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
