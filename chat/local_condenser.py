"""Condenser running a small GGUF chat model in-process with llama-cpp-python (the optional ``local`` extra).

Default model: Qwen2.5-Coder-0.5B-Instruct Q4_K_M (``retrieval.models.resolve("qwen")``). Output is
constrained by a JSON-schema grammar (``response_format={"type": "json_object", "schema": ...}``) and
validated anyway. Generation is streamed so a turn can be cut off at ``timeout_s``; one generation runs at
a time (a llama.cpp context is not thread-safe), and a caller that cannot get the model within the
timeout fails over instead of queueing. Out of scope: GPU offload tuning and model download.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any

from chat.condenser import (
    JSON_SCHEMA,
    BackendBusyError,
    CondensedRequest,
    Condenser,
    CondenserError,
    normalise_messages,
)
from chat.prompt import build_llm_messages, echoes_prompt, ground

logger = logging.getLogger(__name__)


def llama_cpp_available() -> bool:
    """True when ``llama_cpp`` can be imported (``make local-llm`` installs it)."""
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class LocalCondenserConfig:
    """Settings for the in-process model.

    Args:
        model_path: GGUF file; None resolves ``qwen`` through ``retrieval.models``.
        n_ctx: Context length (the prompt is short; 2048 is plenty).
        n_threads: CPU threads; None uses all cores.
        max_tokens: Cap on the JSON answer.
        timeout_s: Wall-clock limit per turn, including waiting for the model.
        warm_up: Evaluate the fixed prompt prefix (system prompt + examples) at load time; llama.cpp
            then reuses it, so each turn only reads the listener's messages.
    """

    model_path: str | None = None
    n_ctx: int = 2048
    n_threads: int | None = None
    max_tokens: int = 120
    timeout_s: float = 15.0
    warm_up: bool = True


class LocalCondenser(Condenser):
    """Condense with llama-cpp-python in this process.

    Example:
        >>> c = LocalCondenser()  # doctest: +SKIP
        >>> c.condense([{"role": "user", "content": "calm piano, no vocals"}]).avoid  # doctest: +SKIP
        ('vocals',)
    """

    name = "local"

    def __init__(self, config: LocalCondenserConfig | None = None) -> None:
        self.config = config or LocalCondenserConfig()
        self._llm: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model now (otherwise it loads on the first turn). Raises ``CondenserError``."""
        if self._llm is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise CondenserError("llama-cpp-python is not installed; run `make local-llm`") from exc
        path = self.config.model_path
        if path is None:
            from retrieval.models import resolve

            path = resolve("qwen", allow_hub=False)
        if not os.path.isfile(path):
            raise CondenserError(f"expected a GGUF file for the local LLM, got {path!r}; run `make models`")
        started = time.perf_counter()
        self._llm = Llama(
            model_path=path,
            n_ctx=self.config.n_ctx,
            n_threads=self.config.n_threads or os.cpu_count(),
            verbose=False,
        )
        if self.config.warm_up:
            warm = build_llm_messages([{"role": "user", "content": "jazz"}])
            self._llm.create_chat_completion(messages=warm, temperature=0.0, max_tokens=1)
        logger.info("loaded %s in %.1f s", os.path.basename(path), time.perf_counter() - started)

    def condense(self, messages: list[dict]) -> CondensedRequest:
        clean = normalise_messages(messages)
        if not any(m["role"] == "user" for m in clean):
            raise CondenserError("expected at least one user message with text, got none")
        llm_messages = build_llm_messages(clean)
        deadline = time.monotonic() + self.config.timeout_s
        if not self._lock.acquire(timeout=self.config.timeout_s):
            raise BackendBusyError(f"the local LLM stayed busy for {self.config.timeout_s:g} s")
        try:
            self.load()
            text = self._generate(llm_messages, deadline)
        finally:
            self._lock.release()
        result = CondensedRequest.from_json(text, backend=self.name)
        if echoes_prompt(result.request):
            raise CondenserError("the local model echoed its instructions instead of condensing the dialog")
        return ground(result, clean)

    def _generate(self, llm_messages: list[dict[str, str]], deadline: float) -> str:
        stream = self._llm.create_chat_completion(
            messages=llm_messages,
            temperature=0.0,
            max_tokens=self.config.max_tokens,
            stream=True,
            response_format={"type": "json_object", "schema": JSON_SCHEMA},
        )
        parts: list[str] = []
        try:
            for chunk in stream:
                delta = chunk["choices"][0].get("delta", {})
                parts.append(delta.get("content") or "")
                if time.monotonic() > deadline:
                    raise CondenserError(f"the local LLM did not finish within {self.config.timeout_s:g} s")
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        return "".join(parts)

    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close() if hasattr(self._llm, "close") else None
                self._llm = None
