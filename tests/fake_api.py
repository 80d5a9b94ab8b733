"""A local stand-in for the Anthropic API on 127.0.0.1, for tests and benchmarks of the runtime guard.

It answers every path the SDK calls with a minimal valid body (a message, an SSE stream when the
request asks for one, a page, a file), logs each request it receives (so a test can prove a blocked
request never arrived), and can fail the next N requests to exercise the SDK's retries.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Optional

MESSAGE = {
    "id": "msg_test", "type": "message", "role": "assistant", "model": "claude-sonnet-5-5",
    "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "stop_sequence": None,
    "usage": {"input_tokens": 3, "output_tokens": 1},
}
PAGE = {"data": [], "has_more": False, "first_id": None, "last_id": None, "next_page": None}


def _sse() -> bytes:
    start = dict(MESSAGE, content=[], stop_reason=None)
    events = [
        ("message_start", {"type": "message_start", "message": start}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "ok"}}),
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 1}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    return b"".join(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode() for name, data in events)


class FakeAPI:
    def __init__(self) -> None:
        self.log: list = []
        self._failures: list = []
        self._lock = threading.Lock()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as with the real API
            disable_nagle_algorithm = True  # headers and body leave at once (no 40 ms delayed-ACK stall)

            def do_GET(self) -> None:
                api._answer(self)

            do_POST = do_DELETE = do_PUT = do_PATCH = do_GET

            def log_message(self, *args) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def __enter__(self) -> "FakeAPI":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, count: int, status: int = 500) -> None:
        """Answer the next `count` requests with `status` (the SDK retries 5xx and 429)."""
        with self._lock:
            self._failures += [status] * count

    def paths(self) -> list:
        return [entry["path"].split("?", 1)[0] for entry in self.log]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        body: Optional[dict] = None
        if "json" in (handler.headers.get("content-type") or ""):
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        with self._lock:
            self.log.append({"method": handler.command, "path": handler.path, "beta": handler.headers.get("anthropic-beta"), "body": body, "size": len(raw)})
            status = self._failures.pop(0) if self._failures else 200
        path = handler.path.split("?", 1)[0]
        content_type = "application/json"
        if status != 200:
            payload = json.dumps({"type": "error", "error": {"type": "api_error", "message": "try again"}}).encode()
        elif isinstance(body, dict) and body.get("stream"):
            payload, content_type = _sse(), "text/event-stream"
        elif path.endswith("/count_tokens"):
            payload = json.dumps({"input_tokens": 3}).encode()
        elif handler.command == "GET" and not path.rstrip("/").split("/")[-1].startswith(("msg", "file", "sess", "agent")):
            payload = json.dumps(PAGE).encode()
        elif path.startswith("/v1/files"):
            payload = json.dumps({"id": "file_test", "type": "file", "filename": "a.txt", "mime_type": "text/plain", "size_bytes": 2, "created_at": "2026-12-01T00:00:00Z"}).encode()
        else:
            payload = json.dumps(dict(MESSAGE, **PAGE)).encode()
        handler.send_response(status)
        handler.send_header("content-type", content_type)
        handler.send_header("content-length", str(len(payload)))
        handler.send_header("request-id", "req_test")
        if status != 200:
            handler.send_header("retry-after-ms", "1")
        handler.end_headers()
        handler.wfile.write(payload)
