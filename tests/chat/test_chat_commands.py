"""`cratedigger chat` options, backend choice, and the cached index."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import chat.commands as commands
from chat.commands import ChatSetupError, build_condenser
from retrieval.cli import main
from retrieval.search.searcher import Searcher
from retrieval.search.store import cache_dir_for, load_or_build


def test_backend_chains_always_end_with_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "local_llm_ready", lambda: False)
    assert build_condenser("rules").names == ["rules"]
    assert build_condenser("auto").names == ["rules"]
    vllm = build_condenser("vllm", None, "meta-llama/Meta-Llama-3-8B-Instruct", timeout_s=3)
    assert vllm.names == ["vllm", "rules"]
    assert str(vllm.backends[0].client.base_url) == "http://127.0.0.1:8000/v1/"
    assert vllm.backends[0].client.max_retries == 0 and vllm.backends[0].config.timeout_s == 3
    assert build_condenser("auto", "http://10.0.0.5:9000/v1").names == ["vllm", "rules"]
    with pytest.raises(ChatSetupError, match="make local-llm"):
        build_condenser("local")
    with pytest.raises(ChatSetupError, match="one of auto, vllm, local, rules"):
        build_condenser("gpt")


def test_auto_leaves_the_local_model_out_even_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: the default is the parser that measures best on the dev sets (the rules); the local
    model is opt-in."""
    monkeypatch.setattr(commands, "local_llm_ready", lambda: True)
    assert build_condenser("auto").names == ["rules"]
    assert build_condenser("auto", "http://x/v1").names == ["vllm", "rules"]
    assert build_condenser("local").names[0] == "local"


def test_cli_reports_bad_options_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "--auth", "nopassword", "--backend", "rules"]) == 2
    assert "--auth expects USER:PASSWORD" in capsys.readouterr().err
    assert main(["chat", "--auth-file", "/nonexistent/auth.txt", "--backend", "rules"]) == 2
    assert "not a readable file" in capsys.readouterr().err


def test_index_is_built_once_cached_and_rebuilt_when_the_catalog_changes(
    state_home: Path,
    catalog20_path: Path,
    tiny_model_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    catalog = tmp_path / "songs.jsonl"
    shutil.copy(catalog20_path, catalog)
    first = load_or_build(str(catalog), model=str(tiny_model_path))
    folder = cache_dir_for(first.catalog.name, str(tiny_model_path), first.catalog.content_hash())
    assert folder.parent == state_home / "indexes" and (folder / "manifest.json").is_file()

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the cached index should have been loaded")

    with monkeypatch.context() as patch:
        patch.setattr(Searcher, "build", no_build)
        second = load_or_build(str(catalog), model=str(tiny_model_path))
    assert [s.id for s in second.catalog.songs] == [s.id for s in first.catalog.songs]
    catalog.write_text(catalog.read_text().replace('"sad"', '"gloomy"'))
    third = load_or_build(str(catalog), model=str(tiny_model_path))
    assert third.catalog.content_hash() != first.catalog.content_hash()
    assert len(list((state_home / "indexes").iterdir())) == 2
