"""LocalCondenser with the real model: the packaged Qwen2.5-Coder-0.5B GGUF served by a supervised
``llama_cpp.server`` subprocess (CI installs both; a missing one fails, it does not skip)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest

from chat.condenser import CondenserError
from chat.fallback_condenser import FallbackCondenser, FallbackConfig
from chat.local_condenser import LocalCondenser, LocalCondenserConfig
from chat.rules_condenser import RulesCondenser

pytestmark = pytest.mark.llm_server


@pytest.fixture(scope="module")
def local() -> Iterator[LocalCondenser]:
    condenser = LocalCondenser(LocalCondenserConfig(max_tokens=120, timeout_s=90))
    condenser.load(wait=True)
    yield condenser
    condenser.close()


def test_local_model_condenses_a_dialog_out_of_process(local: LocalCondenser) -> None:
    got = local.condense(
        [
            {"role": "user", "content": "upbeat jazz"},
            {"role": "assistant", "content": "1. ..."},
            {"role": "user", "content": "no vocals"},
        ]
    )
    assert got.backend == "local" and got.request.strip()
    assert "jazz" in " ".join((got.request, *got.include)).lower()
    assert all(a.strip() for a in got.avoid)
    assert local.server is not None and local.server.pid != os.getpid()


def test_a_slow_local_model_falls_back_to_rules(local: LocalCondenser) -> None:
    local.config.timeout_s, saved = 0.001, local.config.timeout_s
    local._client = None  # rebuild the client with the tiny timeout
    try:
        with pytest.raises(CondenserError, match="did not answer within|stayed busy"):
            local.condense([{"role": "user", "content": "calm piano"}])
        got = FallbackCondenser([local, RulesCondenser()], FallbackConfig(cooldown_s=0)).condense(
            [{"role": "user", "content": "calm piano"}]
        )
    finally:
        local.config.timeout_s = saved
        local._client = None
    assert got.backend == "rules" and got.request == "calm piano"
    assert got.notices[0].startswith("The local condenser failed (local did not answer")
    again = local.condense([{"role": "user", "content": "calm piano"}])  # the model still works afterwards
    assert again.backend == "local"


def test_killing_the_real_server_mid_dialog_falls_back_then_recovers(local: LocalCondenser) -> None:
    server = local.server
    assert server is not None and server.pid is not None
    killed = server.pid
    os.kill(killed, signal.SIGKILL)
    chain = FallbackCondenser([local, RulesCondenser()])
    dialog = [{"role": "user", "content": "sad piano songs"}, {"role": "user", "content": "no vocals"}]
    got = chain.condense(dialog)
    assert got.backend == "rules" and "vocals" in got.avoid
    assert server.wait_ready(120), "the model server was not restarted"
    assert server.pid != killed
    deadline = time.monotonic() + 30
    while (again := chain.condense(dialog)).backend != "local" and time.monotonic() < deadline:
        time.sleep(1)
    assert again.backend == "local", again.notices


def test_missing_gguf_is_a_clear_error() -> None:
    with pytest.raises(CondenserError, match="expected a GGUF file"):
        LocalCondenser(LocalCondenserConfig(model_path="/nonexistent/model.gguf")).load()
