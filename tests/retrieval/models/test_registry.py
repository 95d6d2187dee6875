"""Model registry: short names, paths, hub names, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.errors import ModelNotFoundError
from retrieval.models import registry as models


def test_minilm_resolves_to_the_packaged_folder() -> None:
    path = Path(models.resolve("minilm", allow_hub=False))
    assert (path / "config.json").is_file()
    assert (path / "model.safetensors").is_file()


def test_existing_path_passes_through(tmp_path: Path) -> None:
    assert models.resolve(str(tmp_path)) == str(tmp_path)


def test_hub_name_passes_through_only_when_allowed() -> None:
    assert models.resolve("sentence-transformers/all-MiniLM-L12-v2", allow_hub=True).endswith("L12-v2")
    with pytest.raises(ModelNotFoundError, match="unknown model"):
        models.resolve("sentence-transformers/all-MiniLM-L12-v2", allow_hub=False)


def test_unassembled_mpnet_offline_says_how_to_fix(state_home: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="setup-models"):
        models.resolve("mpnet", allow_hub=False)


def test_unassembled_mpnet_online_falls_back_to_hub_name(state_home: Path) -> None:
    assert models.resolve("mpnet", allow_hub=True) == "sentence-transformers/all-mpnet-base-v2"


def test_unknown_short_name_lists_choices() -> None:
    with pytest.raises(ModelNotFoundError, match="minilm, mpnet"):
        models.resolve("nope", allow_hub=False)
