"""Light turns under heavy requests: do oversized bodies starve other listeners? (issue 10, finding 2)

Serves the app in-process on loopback (rules backend, the demo catalog, the default model), times a
light ``/recommend`` turn alone, then again while ``--heavy`` threads keep posting oversized requests
(a 5 MB history of 2,500 turns, a 50 MB message) for ``--seconds``. Prints the light turn's p50 / max
in both phases, their ratio, and the heavy requests' status codes. Loopback only; bounded in time.

    .venv/bin/python benchmarks/heavy_requests.py --seconds 20
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import statistics
import threading
import time
from collections import Counter

from chat.app import AppConfig, build_app, launch_app
from chat.engine import ChatEngine
from chat.fallback_condenser import FallbackCondenser
from chat.llm_server import free_port
from chat.rules_condenser import RulesCondenser
from retrieval.search.store import load_or_build

HISTORY = json.dumps({"data": ["jazz", [{"role": "user", "content": "x" * 2000}] * 2500]}).encode()
QUEUE = "/gradio_api/queue/join"
MESSAGE = json.dumps({"data": ["calm piano " + "x" * 50_000_000, []]}).encode()


def heavy_post(port: int, body: bytes, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders()
        with contextlib.suppress(OSError):  # refused early and closed
            conn.send(body)
        return conn.getresponse().status
    except OSError:
        return -1
    finally:
        conn.close()


def light_turns(url: str, n: int) -> list[float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    times = []
    for _ in range(n):
        started = time.perf_counter()
        client.predict("calm piano, no vocals", [], api_name="/recommend")
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--heavy", type=int, default=4, help="threads posting heavy requests")
    parser.add_argument("--light", type=int, default=20, help="light turns per phase")
    args = parser.parse_args()
    port = free_port()
    engine = ChatEngine(load_or_build("demo"), FallbackCondenser([RulesCondenser()]))
    config = AppConfig(port=port)
    demo = build_app(engine, config)
    launch_app(demo, config, block=False)
    url = f"http://127.0.0.1:{port}/"
    try:
        engine.warm_up()
        alone = light_turns(url, args.light)
        stop, codes = threading.Event(), Counter[int]()
        deadline = time.monotonic() + args.seconds

        def hammer(i: int) -> None:
            body, path = (MESSAGE, "/gradio_api/call/recommend") if i % 2 else (HISTORY, QUEUE)
            while not stop.is_set() and time.monotonic() < deadline:
                codes[heavy_post(port, body, path)] += 1

        threads = [threading.Thread(target=hammer, args=(i,)) for i in range(args.heavy)]
        for t in threads:
            t.start()
        loaded = light_turns(url, args.light)
        stop.set()
        for t in threads:
            t.join()
    finally:
        demo.close()
    report = {
        "light_alone_p50_s": round(statistics.median(alone), 3),
        "light_alone_max_s": round(max(alone), 3),
        "light_loaded_p50_s": round(statistics.median(loaded), 3),
        "light_loaded_max_s": round(max(loaded), 3),
        "loaded_over_alone_p50": round(statistics.median(loaded) / statistics.median(alone), 2),
        "light_turns_over_5s": sum(t > 5 for t in loaded),
        "heavy_status_codes": dict(codes),
    }
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
