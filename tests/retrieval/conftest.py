"""Fixtures shared by the retrieval tests: an index built by ``cratedigger index``."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.cli import main


@pytest.fixture(scope="session")
def cli_index(tmp_path_factory: pytest.TempPathFactory, catalog20_path: Path, tiny_model_path: Path) -> Path:
    """The 20-song catalog indexed with the tiny model through the CLI; copy it before changing it."""
    out = tmp_path_factory.mktemp("cli-index") / "idx"
    argv = ["index", "--catalog", str(catalog20_path), "--model", str(tiny_model_path), "--out", str(out)]
    assert main(argv) == 0
    return out
