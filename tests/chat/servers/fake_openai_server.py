"""A tiny OpenAI-compatible server for supervisor unit tests (run as a script by ``LlamaServer``).

Takes llama_cpp.server's ``--port`` (other flags are ignored). ``/v1/models`` answers 200; a chat
completion answers a fixed JSON request, and a message containing "CRASH" makes the process die at once
(``os._exit(3)``), as a native crash in the model would.
"""

from __future__ import annotations

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWER = {"request": "calm piano", "include": ["piano"], "avoid": []}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        self._send({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if "CRASH" in body:
            os._exit(3)
        message = {"role": "assistant", "content": json.dumps(ANSWER)}
        self._send({
            "id": "x", "object": "chat.completion", "created": 0, "model": "fake",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        })


def main() -> None:
    port = int(sys.argv[sys.argv.index("--port") + 1])
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
