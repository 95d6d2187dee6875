"""A supervised local model server: ``llama_cpp.server`` on loopback, in its own process group.

The app never runs native model code in its own process (a crash in llama.cpp's CPU kernels once took
the whole app down, issue 9). ``LlamaServer`` starts ``python -m chat.llm_server_main`` (which runs
``llama_cpp.server``) on a free loopback port, in a new session so it can be stopped with its whole
group, and watches it from a daemon thread: when it exits it is started again after a back-off (1 s,
doubling up to ``max_backoff_s``; reset once it has stayed up). It is stopped when the app exits
(``atexit``), and stops itself when the app is killed (a parent watchdog in ``llm_server_main``).
Out of scope: talking to it (``chat.local_condenser`` uses the OpenAI-compatible client).
"""

from __future__ import annotations

import atexit
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass
class LlamaServerConfig:
    """How to run the model server.

    Args:
        model_path: The GGUF file served.
        n_ctx: Context length.
        n_threads: CPU threads for generation (None: all cores).
        host: Interface; loopback only, the server has no authentication.
        start_timeout_s: How long a start may take before it counts as failed.
        max_backoff_s: Longest wait between restarts.
        log_path: Where the server's output goes (None: discarded).
        module: Python module run as the server (tests substitute a tiny fake server).
        extra_args: More command-line arguments for the server.
    """

    model_path: str = ""
    n_ctx: int = 2048
    n_threads: int | None = None
    host: str = "127.0.0.1"
    start_timeout_s: float = 120.0
    max_backoff_s: float = 60.0
    log_path: Path | None = None
    module: str = "llama_cpp.server"
    extra_args: list[str] = field(default_factory=list)


class LlamaServer:
    """Start, watch and restart one model server process.

    Example:
        >>> server = LlamaServer(LlamaServerConfig(model_path="qwen.gguf"))  # doctest: +SKIP
        >>> server.start(wait=True); server.url  # doctest: +SKIP
        'http://127.0.0.1:40123/v1'
    """

    def __init__(self, config: LlamaServerConfig, on_ready: Callable[[], None] | None = None) -> None:
        self.config = config
        self.on_ready = on_ready
        self.port = 0
        self.restarts = 0
        self.last_exit: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._ready = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.config.host}:{self.port}/v1"

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    def ready(self) -> bool:
        """True when the server process is running and has answered its health check."""
        proc = self._proc
        return self._ready.is_set() and proc is not None and proc.poll() is None

    def wait_ready(self, timeout_s: float) -> bool:
        """Block until ready (True) or ``timeout_s`` passed (False)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and not self._stopping.is_set():
            if self.ready():
                return True
            self._ready.wait(0.1)
        return self.ready()

    def start(self, wait: bool = False) -> None:
        """Start the supervisor thread (idempotent); with ``wait``, block until the server answers."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._stopping = threading.Event()  # each supervisor run has its own stop flag
                self._thread = threading.Thread(
                    target=self._supervise, args=(self._stopping,), name="llama-server", daemon=True
                )
                self._thread.start()
                atexit.register(self.stop)
        if wait:
            self.wait_ready(self.config.start_timeout_s)

    def notify_failure(self, grace_s: float = 1.0) -> bool:
        """A client saw the server fail. True when the process is gone (the supervisor restarts it)."""
        proc = self._proc
        if proc is None:
            return True
        try:
            proc.wait(timeout=grace_s)  # a connection cut by a dying server: give it a moment to exit
        except subprocess.TimeoutExpired:
            return False
        if self._proc is proc:  # not a replacement that is already up
            self._ready.clear()
        return True

    def stop(self) -> None:
        """Stop the server and its supervisor; the server's whole process group is ended."""
        self._stopping.set()
        self._ready.clear()
        self._kill()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)  # if it is still busy (a warm-up), it ends on its own stop flag

    def _argv(self) -> list[str]:
        c = self.config
        args = ["--model", c.model_path, "--host", c.host, "--port", str(self.port), "--n_ctx", str(c.n_ctx)]
        args += ["--n_threads", str(c.n_threads or os.cpu_count() or 1), *c.extra_args]
        head = [sys.executable, "-m", "chat.llm_server_main", str(os.getpid()), "--module", c.module]
        return [*head, "--", *args]

    def _spawn(self) -> subprocess.Popen[bytes]:
        self.port = free_port(self.config.host)
        log = self.config.log_path
        out = log.open("ab") if log is not None else subprocess.DEVNULL
        try:
            return subprocess.Popen(
                self._argv(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            if log is not None and not isinstance(out, int):
                out.close()

    def _healthy(self) -> bool:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
        try:
            with opener.open(f"{self.url}/models", timeout=2) as resp:
                return bool(resp.status == 200)
        except OSError:
            return False

    def _await_health(self, proc: subprocess.Popen[bytes], stopping: threading.Event) -> bool:
        deadline = time.monotonic() + self.config.start_timeout_s
        while time.monotonic() < deadline and not stopping.is_set():
            if proc.poll() is not None:
                return False
            if self._healthy():
                return True
            time.sleep(0.2)
        return False

    def _supervise(self, stopping: threading.Event) -> None:
        backoff = 1.0
        while not stopping.is_set():
            started = time.monotonic()
            try:
                self._proc = self._spawn()
            except OSError as exc:  # no log file, no free port, no interpreter: retry with back-off
                logger.warning("could not start the local model server: %s", exc)
                self.last_exit, self.restarts = -1, self.restarts + 1
                backoff = min(backoff * 2, self.config.max_backoff_s)
                stopping.wait(backoff)
                continue
            if self._await_health(self._proc, stopping):
                self._run_on_ready()  # warm up before listeners are let in
                logger.info("local model server ready at %s (pid %d)", self.url, self._proc.pid)
                self._ready.set()
                self._proc.wait()
            self._ready.clear()
            self._kill()
            if stopping.is_set():
                return
            self.last_exit = self._proc.returncode
            self.restarts += 1
            backoff = 1.0 if time.monotonic() - started > 60 else min(backoff * 2, self.config.max_backoff_s)
            logger.warning(
                "local model server exited (code %s); restarting in %.0f s", self.last_exit, backoff
            )
            stopping.wait(backoff)

    def _run_on_ready(self) -> None:
        if self.on_ready is None:
            return
        try:
            self.on_ready()
        except Exception as exc:  # noqa: BLE001 - a failed warm-up is not a failed server
            logger.warning("local model server warm-up failed: %s", exc)

    def _kill(self) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        for sig, wait_s in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait_s)
                return
            except subprocess.TimeoutExpired:
                continue
