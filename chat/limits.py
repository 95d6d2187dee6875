"""Size limits on what a listener or an API client may send, enforced at the edge.

One ``Limits`` holds every bound (the CLI sets them: ``--max-body-kb``, ``--max-message-chars``,
``--max-history-turns``). ``BodyLimit`` is an ASGI middleware that answers HTTP 413 *before* a body is
parsed: by ``Content-Length``, and by counting the bytes of a streamed body. It also closes Gradio's
upload route, which this app never needs (no component takes files), so nobody can store files on
the server. Message and history bounds are applied by ``chat.engine`` and ``chat.app`` to text that
already fits in the body limit. Out of scope: rate limiting per client (put a reverse proxy in front).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from retrieval.search.config import MAX_QUERY_CHARS

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """Bounds on one request.

    Args:
        max_body_bytes: Largest HTTP request body (413 above it). A history at its limits fits easily.
        max_message_chars: Longer user messages are cut to this many characters, with a notice.
        max_history_turns: Only the latest this many messages of a history are read, with a notice.
        max_history_chars: ...and only as many of those (newest first) as fit in this many characters.

    Example:
        >>> Limits().max_message_chars
        2000
    """

    max_body_bytes: int = 256 * 1024
    max_message_chars: int = MAX_QUERY_CHARS  # the longest request a search reads
    max_history_turns: int = 40
    max_history_chars: int = 40_000


class BodyLimit:
    """ASGI middleware: refuse bodies over ``max_bytes`` with 413, and the upload route with 403.

    Example:
        >>> app = BodyLimit(inner_app, max_bytes=256 * 1024)  # doctest: +SKIP
    """

    def __init__(self, app: Any, max_bytes: int = Limits.max_body_bytes) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if path.rstrip("/").endswith("/upload"):
            await _reply(send, 403, "file uploads are disabled on this server")
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await _reply(send, 413, self._message(declared))
            return
        seen = 0
        refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # a streamed body with no (or a false) Content-Length
                    refused = True
                    await _reply(send, 413, self._message(seen))
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:  # once refused, the app's own answer to the disconnect is dropped
                await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:  # the app's complaint about the body we cut off; anything else is re-raised
            if not refused:
                raise

    def _message(self, size: int) -> str:
        return (
            f"request body is {size:,} bytes or more; this server accepts at most {self.max_bytes:,} "
            "(cratedigger chat --max-body-kb)"
        )


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _reply(send: Send, status: int, text: str) -> None:
    body = json.dumps({"error": text, "detail": text}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
    logger.info("refused a request with HTTP %d: %s", status, text)
