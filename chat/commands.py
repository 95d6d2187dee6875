"""Subcommands contributed by ``chat`` to the ``cratedigger`` CLI: ``cratedigger chat``.

``cratedigger chat [--catalog SPEC] [--index DIR] [--llm-url URL --llm-model NAME]
[--backend auto|vllm|local|rules] [--share] [--auth-file PATH] [--host H] [--port P]`` builds (or loads
the cached) index, picks the condenser chain and serves the Gradio app. ``auto`` uses the
OpenAI-compatible server at ``--llm-url`` if one is given, then the rules, which always work and measure
best on the dev sets (docs/conversation.md). ``local`` puts the packaged Qwen model first, served by a
supervised ``llama_cpp.server`` subprocess. Out of scope: the app itself (``chat.app``).
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from retrieval.errors import CratediggerError
from retrieval.search.config import MAX_QUERY_CHARS

logger = logging.getLogger(__name__)

DEFAULT_LLM_URL = "http://127.0.0.1:8000/v1"
DEFAULT_LLM_MODEL = "meta-llama/Meta-Llama-3-8B-Instruct"
BACKENDS = ("auto", "vllm", "local", "rules")


class ChatSetupError(CratediggerError):
    """A chat option is unusable (bad --auth, a backend that is not installed...)."""


def add_parsers(sub: Any) -> None:
    """Add ``chat`` to ``sub`` (an argparse subparsers object)."""
    p = sub.add_parser(
        "chat",
        help="serve the conversational recommender (Gradio)",
        description="Serve the chat app at http://HOST:PORT (default http://127.0.0.1:7860).",
    )
    p.add_argument(
        "--catalog",
        default="demo",
        help="catalog spec: demo (default), a .jsonl/.csv path, jamendo, musiccaps or FORMAT:PATH",
    )
    p.add_argument(
        "--index", default=None, help="a saved index folder (cratedigger index) instead of --catalog"
    )
    p.add_argument("--model", default=None, help="sentence model (default: the trained model, else minilm)")
    p.add_argument(
        "--backend", choices=BACKENDS, default="auto",
        help="dialog condenser (default auto: --llm-url if given, then the rules)",
    )
    p.add_argument(
        "--llm-url",
        default=None,
        help=f"OpenAI-compatible server, e.g. {DEFAULT_LLM_URL} (scripts/serve_vllm.sh)",
    )
    p.add_argument("--llm-model", default=DEFAULT_LLM_MODEL, help="model name served at --llm-url")
    p.add_argument("--llm-timeout", type=float, default=10.0, help="seconds before an LLM turn falls back")
    p.add_argument("--llm-threads", type=int, default=0, help="CPU threads for the local LLM (0: all cores)")
    p.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    p.add_argument(
        "--auth-file", default=None, metavar="PATH", help="protect the page: lines of USER:PASSWORD"
    )
    p.add_argument(
        "--auth", default=None, metavar="USER:PASS",
        help="protect the page (visible in ps: prefer --auth-file or $CRATEDIGGER_AUTH)",
    )
    p.add_argument("--max-body-kb", type=int, default=256, help="largest request body in KiB (413 above)")
    p.add_argument(
        "--max-message-chars", type=int, default=MAX_QUERY_CHARS, help="longer messages are cut"
    )
    p.add_argument("--max-history-turns", type=int, default=40, help="only the latest N messages are read")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (0.0.0.0 for a network)")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--k", type=int, default=5, help="songs per reply")
    p.add_argument("--concurrency", type=int, default=4, help="turns processed at once")
    p.add_argument(
        "--torch-threads",
        type=int,
        default=1,
        help="CPU threads for query encoding once the index is ready (default 1; 0 = torch default)",
    )
    p.set_defaults(func=run_chat)


def local_llm_ready() -> bool:
    """llama-cpp-python importable and the Qwen GGUF assembled."""
    from chat.local_condenser import llama_cpp_available
    from retrieval.errors import ModelNotFoundError
    from retrieval.models import resolve

    if not llama_cpp_available():
        return False
    try:
        return os.path.isfile(resolve("qwen", allow_hub=False))
    except ModelNotFoundError:
        return False


def build_condenser(
    backend: str = "auto",
    llm_url: str | None = None,
    llm_model: str = DEFAULT_LLM_MODEL,
    timeout_s: float = 10.0,
    llm_threads: int | None = None,
    tagger: str | None = None,
) -> Any:
    """The condenser chain for ``backend`` (always ending with the rules). Returns a ``FallbackCondenser``."""
    from chat.fallback_condenser import FallbackCondenser
    from chat.rules_condenser import RulesCondenser

    if backend not in BACKENDS:
        raise ChatSetupError(f"--backend must be one of {', '.join(BACKENDS)}, got {backend!r}")
    chain: list[Any] = []
    if backend == "vllm" or (backend == "auto" and llm_url):
        chain.append(openai_condenser(llm_url or DEFAULT_LLM_URL, llm_model, timeout_s))
    if backend == "local" and not local_llm_ready():
        raise ChatSetupError(
            "--backend local needs llama-cpp-python and the Qwen GGUF: run `make local-llm` "
            "and `cratedigger setup-models`, or use --backend rules"
        )
    # auto: an external LLM server when one is named, then the rules. The packaged 0.5B model is opt-in
    # (--backend local): on the dev sets the rules beat it on every figure (docs/conversation.md).
    if backend == "local":
        from chat.local_condenser import LocalCondenser, LocalCondenserConfig

        config = LocalCondenserConfig(timeout_s=max(timeout_s, 5.0), n_threads=llm_threads or None)
        chain.append(LocalCondenser(config))
    chain.append(RulesCondenser(load_tagger(tagger)))
    return FallbackCondenser(chain)


def load_tagger(path: str | None) -> Any:
    """The span tagger at ``path`` ("none": no tagger; None: the shipped one, if present)."""
    from pathlib import Path

    from chat.span_tagger import SpanTagger

    if path == "none":
        return None
    return SpanTagger.load(Path(path) if path else shipped_tagger_path())


def shipped_tagger_path() -> Any:
    from retrieval.paths import shipped_models_dir

    return shipped_models_dir() / "cratedigger-span-tagger"


def wait_for_local_server(condenser: Any, timeout_s: float) -> None:
    """Give a starting local model server up to ``timeout_s`` before serving; turns fall back meanwhile."""
    for backend in condenser.backends:
        server = getattr(backend, "server", None)
        if server is None:
            continue
        if server.wait_ready(timeout_s):
            logger.info("local model server up at %s", server.url)
        else:
            logger.warning("local model server not up after %.0f s; turns use the next condenser", timeout_s)


def openai_condenser(url: str, model: str, timeout_s: float) -> Any:
    """``OpenAICondenser`` with a client that does not retry (the fallback chain handles failures)."""
    from openai import OpenAI

    from chat.openai_condenser import OpenAICondenser, OpenAICondenserConfig

    client = OpenAI(
        base_url=url,
        api_key=os.environ.get("CRATEDIGGER_LLM_API_KEY", "none"),
        max_retries=0,
        timeout=timeout_s,
    )
    return OpenAICondenser(client, model, OpenAICondenserConfig(timeout_s=timeout_s))


def run_chat(args: argparse.Namespace) -> int:
    """Build everything and serve until interrupted."""
    from chat.app import AppConfig, build_app, launch_app
    from chat.auth import ThrottledAuth, load_credentials
    from chat.engine import ChatEngine, EngineConfig
    from chat.limits import Limits
    from retrieval.models.threads import limit_torch_threads
    from retrieval.search.store import load_or_build

    credentials = load_credentials(args.auth, args.auth_file)
    if args.share and not credentials:
        logger.warning(
            "--share makes this page public and it has no login: add --auth-file or $CRATEDIGGER_AUTH"
        )
    limits = Limits(
        max_body_bytes=max(args.max_body_kb, 1) * 1024,
        max_message_chars=max(args.max_message_chars, 1),
        max_history_turns=max(args.max_history_turns, 0),
    )
    condenser = build_condenser(
        args.backend, args.llm_url, args.llm_model, args.llm_timeout, args.llm_threads
    )
    for backend in condenser.backends:
        if hasattr(backend, "load"):
            backend.load(wait=False)  # start the local model server now, beside the index load
    searcher = load_or_build(args.catalog, args.index, args.model)
    wait_for_local_server(condenser, timeout_s=90.0)
    limit_torch_threads(args.torch_threads)
    engine = ChatEngine(searcher, condenser, EngineConfig(k=args.k, limits=limits))
    logger.info("search warmed up in %.0f ms", engine.warm_up())
    status = (
        f"catalog: {searcher.catalog.name} ({len(searcher.catalog):,} songs) · "
        f"condensers: {' → '.join(condenser.names)}"
    )
    logger.info("%s", status)
    config = AppConfig(
        host=args.host,
        port=args.port,
        share=args.share,
        auth=ThrottledAuth(credentials) if credentials else None,
        limits=limits,
        concurrency=args.concurrency,
        status=status,
    )
    launch_app(build_app(engine, config), config, block=True)
    return 0
