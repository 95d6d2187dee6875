"""Limits at the edge (issue 10, findings 2 and 8): body size before parsing, history bounds, the
upload route, non-text messages. The ASGI middleware alone, then the real served app."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from chat.app import AppConfig, build_app, launch_app, make_handlers
from chat.engine import ChatEngine, EngineConfig
from chat.fallback_condenser import FallbackCondenser
from chat.limits import BodyLimit, Limits
from chat.llm_server import free_port
from chat.rules_condenser import RulesCondenser


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"got": len(await request.body())})


def _client(max_bytes: int) -> TestClient:
    routes = [Route("/echo", _echo, methods=["POST"]), Route("/x/upload", _echo, methods=["POST"])]
    inner = Starlette(routes=routes)
    return TestClient(BodyLimit(inner, max_bytes=max_bytes))


def test_bodies_over_the_limit_get_413_by_header_and_by_stream() -> None:
    client = _client(1000)
    assert client.post("/echo", content=b"x" * 1000).json() == {"got": 1000}
    refused = client.post("/echo", content=b"x" * 1001)
    assert refused.status_code == 413 and "at most 1,000" in refused.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        for _ in range(10):
            yield b"y" * 500

    streamed = client.post("/echo", content=chunks())
    assert streamed.status_code == 413


def test_the_upload_route_is_closed() -> None:
    response = _client(10_000).post("/x/upload", content=b"file")
    assert response.status_code == 403 and "uploads are disabled" in response.json()["error"]


def test_history_is_read_newest_first_within_its_bounds(catalog20_searcher: Any) -> None:
    limits = Limits(max_history_turns=6, max_history_chars=10_000)
    engine = ChatEngine(catalog20_searcher, RulesCondenser(), EngineConfig(limits=limits))
    history = [{"role": "user", "content": "heavy metal"}] * 2500 + [{"role": "user", "content": "jazz"}] * 6
    turn = engine.respond("no vocals", history)
    assert turn.ok and turn.condensed is not None and turn.condensed.request == "jazz"
    assert "I read the latest 6 of the 2506 earlier messages." in turn.notices
    tight = EngineConfig(limits=Limits(max_history_chars=12))
    small = ChatEngine(catalog20_searcher, RulesCondenser(), tight)
    two = [{"role": "user", "content": "x" * 50}, {"role": "user", "content": "jazz"}]
    turn = small.respond("no vocals", two)
    assert turn.condensed is not None and turn.condensed.request == "jazz"


@pytest.mark.parametrize("message", [42, ["a", 1], 3.5])
def test_non_text_messages_are_named_not_called_empty(catalog20_searcher: Any, message: Any) -> None:
    if not isinstance(message, list):  # a list is read as Gradio content blocks by the engine
        turn = ChatEngine(catalog20_searcher, RulesCondenser()).respond(message, [])
        assert not turn.ok and "I can only read text messages, got" in turn.reply
    recommend = make_handlers(ChatEngine(catalog20_searcher, RulesCondenser())).recommend
    import gradio as gr

    with pytest.raises(gr.Error, match="message must be text"):
        recommend(message, [])  # type: ignore[arg-type]


def test_the_ui_history_keeps_the_truncated_message(catalog20_searcher: Any) -> None:
    ui_turn = make_handlers(ChatEngine(catalog20_searcher, RulesCondenser())).ui_turn
    out = ui_turn("calm piano " + "x" * 50_000, [], [])
    assert len(out[1][0]["content"]) == 2000 and out[7]["chat"] == out[1]


@pytest.fixture(scope="module")
def served(catalog20_searcher: Any) -> Iterator[str]:
    engine = ChatEngine(catalog20_searcher, FallbackCondenser([RulesCondenser()]))
    config = AppConfig(port=free_port(), limits=Limits(max_body_bytes=64 * 1024))
    demo = build_app(engine, config)
    launch_app(demo, config, block=False)
    yield f"http://127.0.0.1:{config.port}"
    demo.close()


def _post(url: str, body: bytes, send_bytes: int | None = None) -> tuple[int, str]:
    """POST ``body`` (declared in full) but send only ``send_bytes`` of it, as a client that is cut off."""
    import http.client
    from urllib.parse import urlparse

    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.putrequest("POST", parsed.path)
    conn.putheader("Content-Type", "application/json")
    conn.putheader("Content-Length", str(len(body)))
    conn.endheaders()
    with contextlib.suppress(OSError):  # the server answered and closed early: that is the point
        conn.send(body[:send_bytes] if send_bytes is not None else body)
    response = conn.getresponse()
    return response.status, response.read().decode()


def test_a_50_mb_message_is_refused_before_parsing(served: str) -> None:
    body = json.dumps({"data": ["calm piano " + "x" * 50_000_000, []]}).encode()
    status, text = _post(f"{served}/gradio_api/call/recommend", body, send_bytes=1 << 20)
    assert status == 413 and "at most 65,536" in text
    history = [{"role": "user", "content": "x" * 2000}] * 2500  # 5 MB history
    body = json.dumps({"data": ["jazz", history]}).encode()
    status, _ = _post(f"{served}/gradio_api/queue/join", body, send_bytes=1 << 16)
    assert status == 413
    status, _ = _post(f"{served}/gradio_api/upload", b"--x--")
    assert status == 403


def test_a_light_turn_still_works_after_heavy_ones(served: str) -> None:
    from gradio_client import Client

    reply, results = Client(served + "/", verbose=False).predict("sad piano", [], api_name="/recommend")
    assert results["ok"] and results["songs"] and "piano" in reply.lower()
