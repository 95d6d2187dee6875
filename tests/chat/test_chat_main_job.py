"""The main job as ``make chat`` runs it: ``cratedigger chat`` in a subprocess with the default backend
(the rules, the best parser on the dev sets), answering ``/recommend``; and with ``--backend local``,
answering through the packaged model in a supervised server, where killing the model server mid-dialog
costs one turn (rules, with a notice), never the app, and the local backend comes back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chat.llm_server import free_port

pytestmark = [pytest.mark.llm_server, pytest.mark.realmodel]
START_TIMEOUT_S = 420  # a cold index cache on 2 cores, plus the model server's start


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _model_server_pid(app_pid: int) -> int | None:
    for pid in _children(app_pid):
        try:
            if b"chat.llm_server_main" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return None


@pytest.fixture(scope="module")
def default_app(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """``cratedigger chat`` exactly as ``make chat`` starts it."""
    yield from _serve(tmp_path_factory, [])


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    """``cratedigger chat --backend local`` (``make chat-local``)."""
    yield from _serve(tmp_path_factory, ["--backend", "local"])


def _serve(
    tmp_path_factory: pytest.TempPathFactory, extra: list[str]
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path]]:
    port = free_port()
    log = tmp_path_factory.mktemp("chat") / "chat.log"
    cli = Path(sys.executable).with_name("cratedigger")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(cli), "chat", "--host", "127.0.0.1", "--port", str(port), *extra],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"cratedigger chat exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"cratedigger chat not up in {START_TIMEOUT_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(1)
        yield proc, url, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _recommend(url: str, message: str, history: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    from gradio_client import Client

    reply, results = Client(url, verbose=False).predict(message, history, api_name="/recommend")
    return reply, results


def test_make_chat_answers_with_the_default_parser(default_app: tuple[Any, str, Path]) -> None:
    proc, url, log = default_app
    reply, results = _recommend(url, "calm piano, no vocals", [])
    assert results["request"]["backend"] == "rules", log.read_text()[-2000:]
    assert results["songs"] and "piano" in reply.lower() and results["request"]["avoid"] == ["vocals"]
    _, results = _recommend(url, "no piano", [{"role": "user", "content": "calm piano"}])
    assert "piano" in results["request"]["avoid"]
    assert _model_server_pid(proc.pid) is None, "the default must not start the local model server"


def test_chat_local_answers_with_the_local_model(app: tuple[Any, str, Path]) -> None:
    proc, url, log = app
    seen = []
    deadline = time.monotonic() + 100  # one slow first turn (a busy machine) rests the model 30 s
    while True:
        reply, results = _recommend(url, "calm piano, no vocals", [])
        seen.append((results["request"]["backend"], results["notices"]))
        if results["request"]["backend"] == "local" or time.monotonic() > deadline:
            break
        time.sleep(5)
    assert results["request"]["backend"] == "local", (seen, log.read_text()[-2000:])
    assert results["songs"] and "piano" in reply.lower()
    assert _model_server_pid(proc.pid) is not None


def test_killing_the_model_server_costs_one_turn_not_the_app(app: tuple[Any, str, Path]) -> None:
    proc, url, log = app
    server = _model_server_pid(proc.pid)
    assert server is not None, "no model server child found"
    history = [
        {"role": "user", "content": "upbeat reggae"},
        {"role": "assistant", "content": "1. One Love — Bob Marley"},
    ]
    os.kill(server, signal.SIGKILL)
    reply, results = _recommend(url, "no vocals", history)
    assert proc.poll() is None, "the app died with its model server"
    assert results["request"]["backend"] == "rules" and results["songs"]
    assert any("local condenser failed" in n for n in results["notices"]), results["notices"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:  # a one-turn request the 0.5B model condenses reliably
        _, results = _recommend(url, "calm piano, no vocals", [])
        if results["request"]["backend"] == "local":
            break
        time.sleep(2)
    assert results["request"]["backend"] == "local", "the local backend never came back"
    restarted = _model_server_pid(proc.pid)
    assert restarted not in (None, server)
