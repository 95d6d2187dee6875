"""LlamaServer supervision with a tiny fake OpenAI-compatible server script (fast; the same path runs
against the real llama_cpp.server in test_chat_main_job.py): start, crash, restart, stop, orphan."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat.condenser import CondenserError
from chat.fallback_condenser import FallbackCondenser
from chat.llm_server import LlamaServer, LlamaServerConfig
from chat.local_condenser import LocalCondenser, LocalCondenserConfig
from chat.rules_condenser import RulesCondenser

FAKE = str(Path(__file__).parent / "servers" / "fake_openai_server.py")
DIALOG = [{"role": "user", "content": "calm piano"}]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(") ")[-1].startswith("Z"))


def _wait(predicate: object, timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture()
def local(tmp_path: Path) -> Iterator[LocalCondenser]:
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    config = LocalCondenserConfig(
        model_path=str(gguf), server_module=FAKE, log_path=tmp_path / "server.log", timeout_s=5, warm_up=False
    )
    condenser = LocalCondenser(config)
    condenser.load(wait=True)
    yield condenser
    condenser.close()


def test_the_server_runs_in_its_own_process_group_and_answers(local: LocalCondenser) -> None:
    server = local.server
    assert server is not None and server.ready() and server.pid is not None
    assert server.pid != os.getpid() and os.getpgid(server.pid) == server.pid != os.getpgid(0)
    got = local.condense(DIALOG)
    assert (got.backend, got.request, got.include) == ("local", "calm piano", ("piano",))


def test_a_killed_server_costs_one_turn_then_comes_back(local: LocalCondenser) -> None:
    server = local.server
    assert server is not None
    first = server.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert _wait(lambda: not server.ready(), 5)
    chain = FallbackCondenser([local, RulesCondenser()])
    got = chain.condense(DIALOG)
    assert got.backend == "rules"
    assert "local condenser failed" in got.notices[0] and "restarting" in got.notices[0]
    assert _wait(server.ready, 15), "the supervisor did not restart the server"
    assert server.pid not in (None, first) and server.restarts == 1 and server.last_exit == -9
    assert chain.condense(DIALOG).backend == "local"  # not rested: the server is back, so is the backend


def test_a_crash_during_a_turn_falls_back_and_recovers(local: LocalCondenser) -> None:
    server = local.server
    assert server is not None
    with pytest.raises(CondenserError, match="died during the turn"):
        local.condense([{"role": "user", "content": "CRASH please"}])
    chain = FallbackCondenser([local, RulesCondenser()])
    assert chain.condense(DIALOG).backend == "rules"
    assert _wait(server.ready, 15) and server.last_exit == 3
    assert chain.condense(DIALOG).backend == "local"


def test_stop_ends_the_whole_group(local: LocalCondenser) -> None:
    server = local.server
    assert server is not None and server.pid is not None
    pid = server.pid
    local.close()
    assert not _alive(pid) and not server.ready()
    with pytest.raises(CondenserError, match="still starting|restarting"):
        local.condense(DIALOG)


def test_a_killed_app_leaves_no_server_behind(tmp_path: Path) -> None:
    script = (
        "import sys, os\n"
        "from chat.llm_server import LlamaServer, LlamaServerConfig\n"
        f"s = LlamaServer(LlamaServerConfig(model_path='x', module={FAKE!r}))\n"
        "s.start(wait=True)\n"
        "print(s.pid, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    pid = int(out.stdout.split()[0])
    assert _wait(lambda: not _alive(pid), 10), "the model server outlived its app"


def test_a_server_that_never_starts_is_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("raise SystemExit(7)\n")
    server = LlamaServer(LlamaServerConfig(model_path="x", module=str(broken), start_timeout_s=5))
    try:
        server.start(wait=False)
        assert not server.wait_ready(2.0)
        assert _wait(lambda: server.last_exit == 7, 10)
    finally:
        server.stop()


def test_a_slow_stream_is_cut_at_the_deadline(local: LocalCondenser) -> None:
    local.config.timeout_s, local._client = 1.0, None
    started = time.monotonic()
    with pytest.raises(CondenserError, match="did not answer within 1 s"):
        local.condense([{"role": "user", "content": "SLOW calm piano"}])
    assert time.monotonic() - started < 3.0
    assert local.condense(DIALOG).backend == "local"  # the server is free for the next turn
