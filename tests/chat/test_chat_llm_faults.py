"""OpenAICondenser against broken OpenAI-compatible servers on loopback: down, silent, and garbage.

Real sockets and a real ``openai`` client; each fault must become a ``CondenserError`` quickly and the
fallback chain must answer with the rules backend plus a visible notice.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from openai import OpenAI

from chat.condenser import CondenserError
from chat.fallback_condenser import FallbackCondenser, FallbackConfig
from chat.openai_condenser import OpenAICondenser, OpenAICondenserConfig
from chat.rules_condenser import RulesCondenser

pytestmark = pytest.mark.llm_server
DIALOG = [{"role": "user", "content": "calm piano"}, {"role": "user", "content": "no vocals"}]


def _condenser(port: int, timeout_s: float = 2.0) -> OpenAICondenser:
    client = OpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="none", max_retries=0)
    return OpenAICondenser(client, "any", OpenAICondenserConfig(timeout_s=timeout_s))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def _http_server(body: bytes, status: int = 200) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _completion(content: str) -> bytes:
    return json.dumps(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": "any",
            "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}
            ],
        }
    ).encode()


def _assert_falls_back(llm: OpenAICondenser, reason: str) -> None:
    with pytest.raises(CondenserError, match=reason):
        llm.condense(DIALOG)
    got = FallbackCondenser([llm, RulesCondenser()], FallbackConfig(cooldown_s=0)).condense(DIALOG)
    assert (got.backend, got.request, got.avoid) == ("rules", "calm piano", ("vocals",))
    assert got.notices[0].startswith("The vllm condenser failed") and reason in got.notices[0]


def test_server_down() -> None:
    started = time.perf_counter()
    _assert_falls_back(_condenser(_closed_port()), "unreachable")
    assert time.perf_counter() - started < 5


def test_server_that_never_answers_times_out(silent_port: int) -> None:
    started = time.perf_counter()
    _assert_falls_back(_condenser(silent_port, timeout_s=0.5), "did not answer within 0.5 s")
    assert time.perf_counter() - started < 5  # two calls of 0.5 s, not the client's default 10 minutes


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>502 Bad Gateway</html>", "unreadable answer"),
        (_completion("Here are some calm piano songs!"), "expected JSON"),
        (_completion('{"request": ["calm"], "include": 3}'), "expected a string"),
        (json.dumps({"choices": []}).encode(), "expected a chat completion"),
    ],
)
def test_server_that_answers_garbage(body: bytes, reason: str) -> None:
    server = _http_server(body)
    try:
        _assert_falls_back(_condenser(server.server_address[1]), reason)
    finally:
        server.shutdown()
        server.server_close()


def test_server_error_status_falls_back() -> None:
    server = _http_server(b'{"error": {"message": "CUDA out of memory"}}', status=500)
    try:
        _assert_falls_back(_condenser(server.server_address[1]), "server error")
    finally:
        server.shutdown()
        server.server_close()
