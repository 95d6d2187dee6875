"""Shared fixtures: a 20-song catalog, a 2-layer sentence-transformers model, the data folder."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def catalog20_path() -> Path:
    """Path of the 20-song JSONL catalog (tests/fixtures/catalog20.jsonl)."""
    return FIXTURES / "catalog20.jsonl"


@pytest.fixture(scope="session")
def catalog20_rows(catalog20_path: Path) -> list[dict]:
    return [json.loads(line) for line in catalog20_path.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-layer sentence-transformers model: the packaged MiniLM cut to its first two layers.

    Real weights (so similarities mean something), a third of the compute; built once per session.
    """
    from sentence_transformers import SentenceTransformer

    from retrieval.models import resolve

    model = SentenceTransformer(resolve("minilm", allow_hub=False), device="cpu")
    bert = model[0].auto_model
    bert.encoder.layer = bert.encoder.layer[:2]
    bert.config.num_hidden_layers = 2
    model.max_seq_length = 64
    out = tmp_path_factory.mktemp("tiny-model")
    model.save(str(out))
    return out


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder; tests using it skip cleanly when it is absent."""
    from retrieval.paths import data_dir

    path = data_dir()
    if not (path / "musiccaps" / "musiccaps_train.csv").is_file():
        pytest.skip(f"shared data not found at {path} (set CRATEDIGGER_DATA or place ../shared/data)")
    return path


@pytest.fixture()
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty CRATEDIGGER_HOME for tests that write state."""
    home = tmp_path / "home"
    monkeypatch.setenv("CRATEDIGGER_HOME", str(home))
    return home
