"""A fake Postmark on 127.0.0.1 that answers every send after a fixed delay, as a busy HTTP ESP would.

It speaks just enough of Postmark's API for Anymail's postmark backend: POST /email with a JSON
message, answered 200 with {"To", "SubmittedAt", "MessageID", "ErrorCode": 0, "Message": "OK"}.
It also counts the calls and the most calls it had in flight at once: the parallelism the worker
really reached.
"""

import json
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True

    def __init__(self, delay: float):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay = delay
        self.lock = threading.Lock()
        self.calls = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.first_call: float | None = None
        self.last_answer: float | None = None
        self.recipients: dict[str, int] = {}


class _Handler(BaseHTTPRequestHandler):
    # Keep-alive, as Postmark's API: Anymail's requests session reuses its connection.
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        server = self.server
        now = time.perf_counter()
        with server.lock:
            server.calls += 1
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
            if server.first_call is None:
                server.first_call = now
        try:
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}")
            to = payload.get("To", "")
            time.sleep(server.delay)
            if self.path.rstrip("/") != "/email":
                self._answer(404, {"ErrorCode": 404, "Message": f"no endpoint {self.path}"})
                return
            with server.lock:
                server.recipients[to] = server.recipients.get(to, 0) + 1
            self._answer(
                200,
                {
                    "To": to,
                    "SubmittedAt": datetime.now(UTC).isoformat(),
                    "MessageID": str(uuid.uuid4()),
                    "ErrorCode": 0,
                    "Message": "OK",
                },
            )
        finally:
            with server.lock:
                server.in_flight -= 1
                server.last_answer = time.perf_counter()

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class FakePostmark:
    """`with FakePostmark(delay=0.1) as esp:` serves on esp.url until the block ends."""

    def __init__(self, delay: float = 0.1):
        self.server = _Server(delay)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2})
        self.thread.daemon = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def __enter__(self) -> "FakePostmark":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
