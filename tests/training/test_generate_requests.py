"""training/generate_requests.py with a scripted fake LLM: rows written, resumed, and read back by the
data stage (the real runs with the packaged Qwen are recorded in training/generated/README.md)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from training_fixtures import write_captions

from retrieval.evaluation.benchmark import is_dev_track
from training import generate_requests as gen
from training.data import DataConfig, TrainingDataError, build_data
from training.files import read_jsonl


class ScriptedLLM:
    """An OpenAI-shaped client that answers each sentence with a request built from its words."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.chat = SimpleNamespace(completions=SimpleNamespace(create=self._create))

    def _create(self, **kwargs: Any) -> Any:
        sentence = kwargs["messages"][-1]["content"]
        self.calls.append(sentence)
        answer = "Sure! any tracks where " + sentence.lower().rstrip(".") + "?"
        return SimpleNamespace(choices=[SimpleNamespace(message=SimpleNamespace(content=answer))])


def _args(data: Path, out: Path, limit: int) -> argparse.Namespace:
    return argparse.Namespace(data=data, out=out, kinds="mc_sentence", limit=limit, seed=13, threads=1,
                              llm_url=None, llm_model="x")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    (tmp_path / "musiccaps").mkdir()
    write_captions(tmp_path / "musiccaps" / "musiccaps_train.csv", n_train=12, n_dev=3)
    return tmp_path


def test_sentence_rows_are_train_only_and_resume(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    llm = ScriptedLLM()
    monkeypatch.setattr(gen, "_client", lambda args: (llm, None, "fake-model"))
    out = data_dir / "rows.jsonl"
    first = gen.generate(_args(data_dir, out, limit=10))
    assert first == {"written": 10, "dropped": 0, "already": 0}
    again = gen.generate(_args(data_dir, out, limit=20))
    assert again["already"] == 10 and again["written"] == 10
    rows = read_jsonl(out)
    keys = [r["key"] for r in rows]
    assert len(set(keys)) == 20 and all(k.startswith("mc_sentence:mc:") for k in keys)
    assert not any(is_dev_track(k.split(":")[2]) for k in keys)
    assert rows[0]["text"].startswith("any tracks where")  # the chatty prefix is cut
    assert len(llm.calls) == 20  # the resumed run asked only for the missing rows


def test_data_stage_pairs_a_rewritten_sentence_with_its_sentence_sets(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gen, "_client", lambda args: (ScriptedLLM(), None, "fake-model"))
    out = data_dir / "rows.jsonl"
    gen.generate(_args(data_dir, out, limit=6))
    stale = json.loads(out.read_text().splitlines()[0]) | {"source_sha256": "0" * 16}
    with out.open("a") as handle:  # a row whose caption changed since it was written is skipped
        handle.write(json.dumps(stale | {"key": stale["key"]}) + "\n")
    cfg = DataConfig(jamendo=None, msd_vocab=None, min_tracks=10, llm_rows=str(out))
    counts = build_data(cfg, data_dir / "run", data_dir)
    pairs = read_jsonl(data_dir / "run" / "pairs.jsonl")
    sets = {}
    for p in pairs:
        if p["kind"] == "sentence":
            sets.setdefault((p["group"], p["query"].lower()), []).append(p["descriptors"])
    llm = [p for p in pairs if p["kind"] == "llm_sentence"]
    written = [r for r in read_jsonl(out)][:6]
    sources = [(r["key"].split(":")[2], r["text"].removeprefix("any tracks where ").removesuffix("?"))
               for r in written]
    assert counts["llm_sentence"] == len(llm) == sum(len(sets[s]) for s in sources)  # stale row: none
    for p in llm:
        source = p["query"].removeprefix("any tracks where ").removesuffix("?")
        assert p["descriptors"] in sets[(p["group"], source)]


def test_llm_kinds_choose_which_rows_train(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gen, "_client", lambda args: (ScriptedLLM(), None, "fake-model"))
    out = data_dir / "rows.jsonl"
    gen.generate(_args(data_dir, out, limit=4))
    cfg = DataConfig(jamendo=None, msd_vocab=None, min_tracks=10, llm_rows=str(out), llm_kinds=["mc_request"])
    counts = build_data(cfg, data_dir / "run", data_dir)
    assert "llm_sentence" not in counts
    with pytest.raises(TrainingDataError, match=r"llm_kinds.*got \['mc_sentences'\]"):
        DataConfig(llm_kinds=["mc_sentences"])
