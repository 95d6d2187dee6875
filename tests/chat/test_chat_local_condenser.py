"""LocalCondenser: Qwen2.5-Coder-0.5B GGUF in-process with llama-cpp-python (skips only when it is not
installed; CI installs it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chat.condenser import CondenserError
from chat.fallback_condenser import FallbackCondenser, FallbackConfig
from chat.local_condenser import LocalCondenser, LocalCondenserConfig
from chat.rules_condenser import RulesCondenser

pytestmark = pytest.mark.llm_server


@pytest.fixture(scope="module")
def local() -> Iterator[LocalCondenser]:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make local-llm)")
    condenser = LocalCondenser(LocalCondenserConfig(max_tokens=120, timeout_s=90))
    condenser.load()
    yield condenser
    condenser.close()


def test_local_model_condenses_a_dialog(local: LocalCondenser) -> None:
    got = local.condense(
        [
            {"role": "user", "content": "upbeat jazz"},
            {"role": "assistant", "content": "1. ..."},
            {"role": "user", "content": "no vocals"},
        ]
    )
    assert got.backend == "local" and got.request.strip()
    text = " ".join((got.request, *got.include)).lower()
    assert "jazz" in text
    assert all(a.strip() for a in got.avoid)


def test_a_slow_local_model_falls_back_to_rules(local: LocalCondenser) -> None:
    local.config.timeout_s, saved = 0.001, local.config.timeout_s
    try:
        with pytest.raises(CondenserError, match="did not finish within|stayed busy"):
            local.condense([{"role": "user", "content": "calm piano"}])
        got = FallbackCondenser([local, RulesCondenser()], FallbackConfig(cooldown_s=0)).condense(
            [{"role": "user", "content": "calm piano"}]
        )
    finally:
        local.config.timeout_s = saved
    assert got.backend == "rules" and got.request == "calm piano"
    assert got.notices[0].startswith("The local condenser failed (the local LLM did not finish")
    again = local.condense([{"role": "user", "content": "calm piano"}])  # the model still works afterwards
    assert again.backend == "local"


def test_missing_gguf_is_a_clear_error() -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (make local-llm)")
    with pytest.raises(CondenserError, match="expected a GGUF file"):
        LocalCondenser(LocalCondenserConfig(model_path="/nonexistent/model.gguf")).load()
