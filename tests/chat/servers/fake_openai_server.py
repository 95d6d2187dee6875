"""A tiny OpenAI-compatible server for supervisor unit tests (run as a script by ``LlamaServer``).

Takes llama_cpp.server's ``--port`` (other flags are ignored). ``/v1/models`` answers 200; a chat
completion answers a fixed JSON request (streamed as server-sent events when asked), and a message
containing "CRASH" makes the process die at once (``os._exit(3)``), as a native crash in the model would.
"""

from __future__ import annotations

import json
import os
import sys
import time
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

    def _stream(self, text: str, delay_s: float = 0.0) -> None:
        """Server-sent events, a few characters a chunk, as llama_cpp.server streams ("SLOW": 0.4 s each)."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for i in range(0, len(text), 8):
            delta = {"content": text[i : i + 8]}
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "fake",
                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
            try:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            except OSError:
                return  # the client closed the stream: stop, as llama_cpp.server does
            time.sleep(delay_s)
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def do_GET(self) -> None:  # noqa: N802
        self._send({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if "CRASH" in body:
            os._exit(3)
        if json.loads(body).get("stream"):
            self._stream(json.dumps(ANSWER), delay_s=0.4 if "SLOW" in body else 0.0)
            return
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
