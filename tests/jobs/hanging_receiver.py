"""A loopback webhook receiver that holds the first delivery open until the test releases it: the worker
sending it is then mid-job for as long as the test needs (killed, or told to stop, meanwhile)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class HangingReceiver:
    """Holds the first request open for a minute or until :attr:`release` is set; answers
    every later one at once. Records each delivery id it was sent."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        ids, first, release = self.ids, self.first_arrived, self.release

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                ids.append(self.headers["webhook-id"])
                if len(ids) == 1:
                    first.set()
                    release.wait(60)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()  # the held request ends, and its socket is closed with it
        self.server.shutdown()
        self.server.server_close()  # joins the request threads

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
