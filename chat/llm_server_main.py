"""Entry point of the supervised model server: ``python -m chat.llm_server_main PARENT_PID -- ARGS...``.

Runs ``llama_cpp.server`` (or, for unit tests, any module or script named with ``--module``) in this child
process with ``ARGS``, plus a watchdog thread that ends the process when its parent (the app) is gone,
so a killed app never leaves a model server holding the CPU. Native crashes here cost the app one
turn, never itself: it only talks to this process over HTTP. Out of scope: restarting (``LlamaServer``).
"""

from __future__ import annotations

import os
import runpy
import sys
import threading
import time


def _watch_parent(parent_pid: int, period_s: float = 1.0) -> None:
    while True:
        time.sleep(period_s)
        if os.getppid() != parent_pid:
            os._exit(0)


def main(argv: list[str]) -> None:
    """``argv``: ``PARENT_PID [--module NAME] -- SERVER_ARGS...``."""
    if "--" not in argv or not argv or not argv[0].isdigit():
        raise SystemExit("usage: python -m chat.llm_server_main PARENT_PID [--module NAME] -- ARGS...")
    split = argv.index("--")
    head, server_args = argv[:split], argv[split + 1 :]
    module = head[head.index("--module") + 1] if "--module" in head else "llama_cpp.server"
    threading.Thread(target=_watch_parent, args=(int(head[0]),), daemon=True).start()
    sys.argv = [module, *server_args]
    if module.endswith(".py"):  # a script path (tests run a tiny fake server this way)
        runpy.run_path(module, run_name="__main__")
    else:
        runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
