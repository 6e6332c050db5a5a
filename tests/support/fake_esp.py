"""A fake HTTP ESP speaking Postmark's send API on 127.0.0.1: the only place an ESP's API is faked.

Each request gets the next scripted answer (status, JSON body), then 200 with a new MessageID.
`delay` makes every answer slow, like a real API across the internet.
"""

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakePostmark:
    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.script: list[tuple[int, dict]] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - the http.server API
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if server.delay:
                    time.sleep(server.delay)
                with server.lock:
                    server.requests.append(
                        {
                            "path": self.path,
                            "body": body,
                            "token": self.headers.get("X-Postmark-Server-Token"),
                        }
                    )
                    status, answer = server.script.pop(0) if server.script else (200, None)
                if answer is None:
                    answer = {
                        "ErrorCode": 0,
                        "Message": "OK",
                        "MessageID": str(uuid.uuid4()),
                        "To": body.get("To", ""),
                        "SubmittedAt": "2026-12-04T10:00:00Z",
                    }
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def anymail_settings(self) -> dict:
        return {"POSTMARK_SERVER_TOKEN": "test-token", "POSTMARK_API_URL": self.url}

    def __enter__(self) -> "FakePostmark":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
