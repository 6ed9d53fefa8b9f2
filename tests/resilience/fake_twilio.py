"""Twilio's send endpoint on loopback, for tests that run real worker processes: it answers 201 with a
message sid, or ``failing`` (500, or 429 with Retry-After) while an outage is staged, and counts what it
accepted and refused."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeTwilio:
    def __init__(self, failing: int | None = None) -> None:
        self.failing = failing
        self.refused = 0
        self.accepted: Counter[str] = Counter()  # by the message's To number
        twilio = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                form = parse_qs(self.rfile.read(int(self.headers.get("content-length", "0"))).decode())
                if twilio.failing is not None:
                    twilio.refused += 1
                    self.send_response(twilio.failing)
                    if twilio.failing == 429:
                        self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                twilio.accepted[form["To"][0]] += 1
                payload = b'{"sid": "SM' + uuid.uuid4().hex.encode() + b'"}'
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
