"""A real HTTP server on 127.0.0.1 serving an ICS file, as Google or Outlook would serve a private address."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from engium.runtime import Runtime
from engium.webhooks.settings import WebhookSettings
from tests.bookings.conftest import shop
from tests.local_http import serving

__all__ = ["shop"]

SECRET_PATH = "/calendar/ical/sam%40example.com/private-5f2b9c0e1d7a4b3c/basic.ics"
# The server listens on loopback, which the SSRF guard refuses unless a test opts in (as webhook tests do).
LOCAL_TEST_SETTINGS = WebhookSettings(allow_private_networks=True, allow_http=True)


@dataclass
class IcsServer:
    server: ThreadingHTTPServer
    body: bytes = b""
    status: int = 200
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{SECRET_PATH}"


def _handler(served: IcsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests.append(self.path)
            self.send_response(served.status)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(served.body)))
            self.end_headers()
            self.wfile.write(served.body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def ics_server() -> Iterator[IcsServer]:
    found: list[IcsServer] = []

    def handler(server: ThreadingHTTPServer) -> type[BaseHTTPRequestHandler]:
        found.append(IcsServer(server))
        return _handler(found[0])

    with serving(handler):
        yield found[0]


@pytest.fixture
def allow_local(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> WebhookSettings:
    """Opts this test into fetching from the loopback server (ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS)."""
    monkeypatch.setattr(runtime.settings, "webhooks", LOCAL_TEST_SETTINGS)
    return LOCAL_TEST_SETTINGS


def vcalendar(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Test//Calendar//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
