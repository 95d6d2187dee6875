"""A scripted stand-in for an ``openai.OpenAI`` client, for unit tests of the condensers only.

``FakeLLM(["{...}", timeout_error(), "garbage"])`` answers each ``client.chat.completions.create`` call with
the next scripted item: a string becomes the message content, an exception is raised, a callable gets
the call's keyword arguments and returns either. Every call's arguments are kept in ``calls``.
Out of scope: anything a real server does (tokenising, schemas); real-server tests use llama_cpp.server.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

Script = str | BaseException | Callable[[dict[str, Any]], Any]


def _httpx() -> Any:
    for name in ("httpx2", "httpx"):  # openai>=3 ships its own fork of httpx
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("neither httpx2 nor httpx is installed (both come with openai)")


def _request() -> Any:
    return _httpx().Request("POST", "http://fake-llm/v1/chat/completions")


def timeout_error() -> BaseException:
    """The exception the OpenAI client raises when a server is too slow."""
    import openai

    return openai.APITimeoutError(request=_request())


def connection_error() -> BaseException:
    """The exception the OpenAI client raises when nothing listens on the port."""
    import openai

    return openai.APIConnectionError(request=_request())


def bad_request(message: str = "unsupported response_format") -> BaseException:
    """HTTP 400, as a server answers an option it does not support."""
    import openai

    response = _httpx().Response(400, request=_request(), json={"error": {"message": message}})
    return openai.BadRequestError(message, response=response, body=None)


def completion(content: str) -> SimpleNamespace:
    """A minimal chat-completion object with one choice holding ``content``."""
    message = SimpleNamespace(role="assistant", content=content)
    return SimpleNamespace(choices=[SimpleNamespace(index=0, message=message, finish_reason="stop")])


class _Completions:
    def __init__(self, owner: FakeLLM) -> None:
        self._owner = owner

    def create(self, **kwargs: Any) -> Any:
        return self._owner._next(kwargs)


class FakeLLM:
    """Scripted fake of ``openai.OpenAI`` (only ``client.chat.completions.create``).

    Args:
        script: Answers in order; when exhausted, ``default`` (if given) answers every further call.
        default: Answer used after the script runs out; None raises ``AssertionError`` instead.

    Example:
        >>> fake = FakeLLM(['{"request": "jazz", "include": [], "avoid": []}'])
        >>> fake.chat.completions.create(model="m", messages=[]).choices[0].message.content[:12]
        '{"request": '
    """

    def __init__(self, script: Iterable[Script] = (), default: Script | None = None) -> None:
        self.script = list(script)
        self.default = default
        self.calls: list[dict[str, Any]] = []
        self.base_url = "http://fake-llm/v1/"
        self.chat = SimpleNamespace(completions=_Completions(self))
        self._lock = threading.Lock()

    def _next(self, kwargs: dict[str, Any]) -> Any:
        with self._lock:
            self.calls.append(kwargs)
            if self.script:
                item: Script | None = self.script.pop(0)
            else:
                item = self.default
        if item is None:
            raise AssertionError(f"FakeLLM script exhausted after {len(self.calls) - 1} calls")
        if callable(item) and not isinstance(item, BaseException):
            item = item(kwargs)
        if isinstance(item, BaseException):
            raise item
        return completion(item) if isinstance(item, str) else item
