"""Condenser backed by any OpenAI-compatible chat server: vLLM in production, ``llama_cpp.server`` in CI.

The same code talks to both. It asks for structured output and validates the answer anyway (servers
may silently ignore a schema). Structured-output modes, tried in order until the server accepts one:
``json_schema`` (``response_format`` with a JSON schema: vLLM, OpenAI), ``json_object``
(``response_format`` type json_object with a ``schema``: llama-cpp-python's server, which answers 422 to
``json_schema``), ``none`` (prompt only). A mode the server rejects (HTTP 400/422) is dropped for the life
of the condenser. ``vllm`` (``extra_body={"structured_outputs": {"json": schema}}``, vLLM >= 0.10.2) is
opt-in through ``OpenAICondenserConfig.modes``: servers that do not know the field silently ignore it.
Dead or slow servers raise ``BackendDownError`` (the chain rests them); wrong answers ``CondenserError``.
Out of scope: retries and fallback (``FallbackCondenser``).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from chat.condenser import (
    JSON_SCHEMA,
    BackendDownError,
    CondensedRequest,
    Condenser,
    CondenserError,
    normalise_messages,
)
from chat.prompt import build_llm_messages, echoes_prompt, ground

logger = logging.getLogger(__name__)

MODES = ("json_schema", "vllm", "json_object", "none")
DEFAULT_MODES = ("json_schema", "json_object", "none")


@dataclass
class OpenAICondenserConfig:
    """Generation settings.

    Args:
        max_tokens: Cap on the answer (the JSON is short; small caps keep CPU models fast).
        temperature: 0 for repeatable answers.
        timeout_s: Per-request timeout; a slower server counts as failed for that turn.
        modes: Structured-output modes to try, in order (see the module docstring).
        stream: Stream the answer and close the connection at the deadline, so a server that stops
            generating when its client goes away (llama_cpp.server) is not left busy with an
            abandoned turn that the next turn would queue behind.
    """

    max_tokens: int = 120
    temperature: float = 0.0
    timeout_s: float = 10.0
    modes: tuple[str, ...] = DEFAULT_MODES
    stream: bool = False


def _mode_kwargs(mode: str) -> dict[str, Any]:
    if mode == "json_schema":
        schema = {"name": "condensed_request", "schema": JSON_SCHEMA, "strict": True}
        return {"response_format": {"type": "json_schema", "json_schema": schema}}
    if mode == "vllm":
        return {"extra_body": {"structured_outputs": {"json": JSON_SCHEMA}}}
    if mode == "json_object":
        return {"response_format": {"type": "json_object", "schema": JSON_SCHEMA}}
    return {}


class OpenAICondenser(Condenser):
    """Condense with a chat-completions call to an OpenAI-compatible server.

    Args:
        client: An ``openai.OpenAI`` client, e.g. ``OpenAI(base_url="http://127.0.0.1:8000/v1",
            api_key="none", max_retries=0)``.
        model: The served model name (``meta-llama/Meta-Llama-3-8B-Instruct`` for ``vllm serve``).
        config: Generation settings.

    Example:
        >>> from openai import OpenAI
        >>> c = OpenAICondenser(OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="none"), "llama")
        >>> c.condense([{"role": "user", "content": "calm piano"}]).request  # doctest: +SKIP
        'calm piano music'
    """

    name = "vllm"

    def __init__(
        self, client: Any, model: str, config: OpenAICondenserConfig | None = None, name: str = "vllm"
    ) -> None:
        self.client = client
        self.model = model
        self.config = config or OpenAICondenserConfig()
        self.name = name
        self._modes = [m for m in self.config.modes if m in MODES] or ["none"]
        self._lock = threading.Lock()

    def condense(self, messages: list[dict]) -> CondensedRequest:
        clean = normalise_messages(messages)
        if not any(m["role"] == "user" for m in clean):
            raise CondenserError("expected at least one user message with text, got none")
        llm_messages = build_llm_messages(clean)
        text = self._complete(llm_messages)
        result = CondensedRequest.from_json(text, backend=self.name)
        if echoes_prompt(result.request) or any(echoes_prompt(t) for t in (*result.include, *result.avoid)):
            raise CondenserError("the model echoed its instructions instead of condensing the dialog")
        return ground(result, clean)

    def _complete(self, llm_messages: list[dict[str, str]]) -> str:
        import openai

        deadline = time.monotonic() + self.config.timeout_s
        while True:
            mode = self._modes[0]
            try:
                response = self.client.chat.completions.create(
                    model=self.model,
                    messages=llm_messages,
                    max_tokens=self.config.max_tokens,
                    temperature=self.config.temperature,
                    timeout=max(deadline - time.monotonic(), 0.5),
                    stream=self.config.stream,
                    **_mode_kwargs(mode),
                )
                if self.config.stream:
                    return self._read_stream(response, deadline)
            except openai.APIStatusError as exc:
                if not _rejects_mode(exc, mode):
                    raise BackendDownError(f"{self.name} server error: {_short(exc)}") from exc
                if len(self._modes) == 1:
                    raise CondenserError(f"{self.name} server rejected the request: {exc}") from exc
                logger.info("%s: structured-output mode %r rejected (%s)", self.name, mode, _short(exc))
                with self._lock:
                    if self._modes[0] == mode and len(self._modes) > 1:
                        self._modes.pop(0)
                continue
            except openai.APITimeoutError as exc:
                raise BackendDownError(
                    f"{self.name} did not answer within {self.config.timeout_s:g} s"
                ) from exc
            except openai.APIConnectionError as exc:
                raise BackendDownError(
                    f"{self.name} server unreachable at {self.client.base_url}: {exc}"
                ) from exc
            except openai.APIError as exc:
                raise BackendDownError(f"{self.name} server error: {_short(exc)}") from exc
            except ValueError as exc:  # a body that is not a chat completion at all
                raise CondenserError(f"{self.name} sent an unreadable answer: {exc}") from exc
            return _first_text(response)

    def _read_stream(self, stream: Any, deadline: float) -> str:
        """The streamed answer's text; past ``deadline`` the stream is closed (the server stops)."""
        import openai

        parts: list[str] = []
        try:
            for chunk in stream:
                choices = getattr(chunk, "choices", None) or []
                delta = getattr(choices[0], "delta", None) if choices else None
                parts.append(getattr(delta, "content", None) or "")
                if time.monotonic() > deadline:
                    raise BackendDownError(f"{self.name} did not answer within {self.config.timeout_s:g} s")
        except CondenserError:
            raise
        except openai.APITimeoutError as exc:  # the read timed out mid-stream: the same as no answer
            raise BackendDownError(f"{self.name} did not answer within {self.config.timeout_s:g} s") from exc
        except Exception as exc:  # noqa: BLE001 - a cut connection mid-stream
            raise BackendDownError(f"{self.name} stream broke: {_short(exc)}") from exc
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()
        return "".join(parts)


def _rejects_mode(exc: Any, mode: str) -> bool:
    """Did the server refuse the structured-output option? 400/422, or a 500 that names it (llama_cpp.server
    reports request validation errors as HTTP 500)."""
    if mode == "none":
        return False
    status = getattr(exc, "status_code", 0)
    text = str(exc)
    return status in (400, 422) or (status >= 500 and ("response_format" in text or "structured" in text))


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def _first_text(response: Any) -> str:
    try:
        content = response.choices[0].message.content
    except (AttributeError, IndexError, TypeError) as exc:
        raise CondenserError(
            f"expected a chat completion with one choice, got {str(response)[:80]!r}"
        ) from exc
    if not isinstance(content, str):
        raise CondenserError(f"expected text content in the answer, got {type(content).__name__}")
    return content
