"""A real HTTP server on 127.0.0.1 for tests that Engium calls out to (webhook receivers, providers' APIs, ICS
feeds): started on a free port in a thread, stopped when the block ends."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@contextmanager
def serving(
    handler_for: Callable[[ThreadingHTTPServer], type[BaseHTTPRequestHandler]],
) -> Iterator[ThreadingHTTPServer]:
    """``handler_for(server)`` gives the handler class: it usually closes over an object that wraps ``server``
    (its URL, what it received), so the server exists before its handler."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    server.RequestHandlerClass = handler_for(server)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
