"""The local condenser: the packaged Qwen GGUF served by a supervised ``llama_cpp.server`` subprocess.

Default model: Qwen2.5-Coder-0.5B-Instruct Q4_K_M (``retrieval.models.resolve("qwen")``). The model
runs in its own process (``chat.llm_server.LlamaServer``), never in the app's: a native crash, hang or
out-of-memory there costs one turn, which falls back to the next condenser, while the server is
restarted in the background. Requests go through the same ``OpenAICondenser`` as vLLM (prompt, JSON
schema, validation, grounding written once). One generation runs at a time (the server has one
context); a turn that cannot get it within the timeout fails over instead of queueing.
Out of scope: GPU offload and model download (``cratedigger setup-models``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from chat.condenser import (
    BackendBusyError,
    BackendDownError,
    CondensedRequest,
    Condenser,
    CondenserError,
)
from chat.llm_server import LlamaServer, LlamaServerConfig
from chat.openai_condenser import OpenAICondenser, OpenAICondenserConfig
from chat.prompt import build_llm_messages

logger = logging.getLogger(__name__)


def llama_cpp_available() -> bool:
    """True when ``llama_cpp.server`` is installed (``make local-llm``); nothing native is loaded here."""
    try:
        return importlib.util.find_spec("llama_cpp") is not None and bool(
            importlib.util.find_spec("llama_cpp.server")
        )
    except (ImportError, ValueError):
        return False


@dataclass
class LocalCondenserConfig:
    """Settings for the local model.

    Args:
        model_path: GGUF file; None resolves ``qwen`` through ``retrieval.models``.
        n_ctx: Context length (the prompt is short; 2048 is plenty).
        n_threads: CPU threads; None uses all cores.
        max_tokens: Cap on the JSON answer.
        timeout_s: Wall-clock limit per turn, including waiting for the model.
        warm_up: Send one request once the server is up, so llama.cpp caches the fixed prompt prefix
            (system prompt + examples) and each turn only reads the listener's messages.
        log_path: The server's log (None: ``$CRATEDIGGER_HOME/logs/llama-server.log``).
        server_module: What the server process runs (tests substitute a tiny fake server script).
    """

    model_path: str | None = None
    n_ctx: int = 2048
    n_threads: int | None = None
    max_tokens: int = 120
    timeout_s: float = 15.0
    warm_up: bool = True
    log_path: Path | None = None
    server_module: str = "llama_cpp.server"


class LocalCondenser(Condenser):
    """Condense with the local model server (started on ``load``, restarted when it dies).

    Example:
        >>> c = LocalCondenser()  # doctest: +SKIP
        >>> c.load()  # doctest: +SKIP
        >>> c.condense([{"role": "user", "content": "calm piano, no vocals"}]).avoid  # doctest: +SKIP
        ('vocals',)
    """

    name = "local"

    def __init__(self, config: LocalCondenserConfig | None = None) -> None:
        self.config = config or LocalCondenserConfig()
        self.server: LlamaServer | None = None
        self._client: OpenAICondenser | None = None
        self._slot = threading.Semaphore(1)

    def _model_path(self) -> str:
        path = self.config.model_path
        if path is None:
            from retrieval.models import resolve

            path = resolve("qwen", allow_hub=False)
        if not os.path.isfile(path):
            raise CondenserError(f"expected a GGUF file for the local LLM, got {path!r}; run `make models`")
        return path

    def load(self, wait: bool = True) -> None:
        """Start the model server (once); with ``wait``, until it answers. Raises ``CondenserError``."""
        if self.server is None:
            if self.config.server_module == "llama_cpp.server" and not llama_cpp_available():
                raise CondenserError("llama-cpp-python[server] is not installed; run `make local-llm`")
            from retrieval.paths import state_dir

            log = self.config.log_path or state_dir() / "logs" / "llama-server.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            server_config = LlamaServerConfig(
                model_path=self._model_path(), n_ctx=self.config.n_ctx,
                n_threads=self.config.n_threads, log_path=log, module=self.config.server_module,
            )
            self.server = LlamaServer(server_config, on_ready=self._warm_up)
        self.server.start(wait=wait)
        if wait and not self.server.ready():
            raise CondenserError(f"the local model server did not start; see {self.server.config.log_path}")

    def _openai(self) -> OpenAICondenser:
        assert self.server is not None
        url = self.server.url
        if self._client is None or str(self._client.client.base_url).rstrip("/") != url:
            from openai import OpenAI

            client = OpenAI(base_url=url, api_key="none", max_retries=0, timeout=self.config.timeout_s)
            settings = OpenAICondenserConfig(
                max_tokens=self.config.max_tokens, timeout_s=self.config.timeout_s,
                modes=("json_object", "none"),  # llama_cpp.server answers 422 to json_schema
                stream=True,  # closing the stream at the deadline stops the server's generation
            )
            self._client = OpenAICondenser(client, "local", settings, name=self.name)
        return self._client

    def _warm_up(self) -> None:
        if self.config.warm_up:
            messages = build_llm_messages([{"role": "user", "content": "jazz"}])
            self._openai().client.chat.completions.create(
                model="local", messages=messages, max_tokens=1, temperature=0.0, timeout=60
            )

    def condense(self, messages: list[dict]) -> CondensedRequest:
        if self.server is None:
            self.load(wait=False)
        assert self.server is not None
        if not self.server.ready():
            raise CondenserError(_down_reason(self.server))
        if not self._slot.acquire(timeout=self.config.timeout_s):
            raise BackendBusyError(f"the local LLM stayed busy for {self.config.timeout_s:g} s")
        try:
            return self._openai().condense(messages)
        except BackendDownError as exc:
            if self.server.notify_failure():  # the process died: no rest, it is back within seconds
                raise CondenserError(f"the local model server died during the turn ({exc})") from exc
            raise
        finally:
            self._slot.release()

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()


def _down_reason(server: LlamaServer) -> str:
    if server.last_exit is None:
        return "the local model server is still starting"
    return f"the local model server stopped (exit code {server.last_exit}) and is restarting"
