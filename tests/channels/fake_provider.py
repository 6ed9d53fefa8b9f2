"""A real HTTP server (stdlib ``http.server`` on 127.0.0.1) standing in for Twilio and the WhatsApp
Cloud API at the configured base URLs: it records each request and answers with a scripted status and
the provider's answer: a fresh message id (Twilio ``sid``, WhatsApp ``messages[0].id``) when it accepts,
a scripted error body when it refuses."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from tests.local_http import serving


@dataclass
class ProviderRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakeProvider:
    server: ThreadingHTTPServer
    requests: list[ProviderRequest] = field(default_factory=list)
    # Status codes for the next requests, in order; 201 once they run out.
    statuses: list[int] = field(default_factory=list)
    # The JSON answer to a refused request (the providers' error shapes), by default none.
    error_body: dict[str, Any] | None = None
    # The message ids handed out, in order.
    issued: list[str] = field(default_factory=list)
    counter: Iterator[int] = field(default_factory=itertools.count)
    # An id to answer with instead of a fresh one (a provider, or an impostor, answering oddly).
    issued_override: str | None = None

    def answer(self, path: str, status: int) -> bytes:
        if status >= 300:
            return json.dumps(self.error_body or {}).encode()
        number = next(self.counter)
        if path.endswith("/messages"):  # the WhatsApp Cloud API
            message_id = f"wamid.HBgLMTQxNTU1NTAxMjMVAgARGBI{number:06d}"
            self.issued.append(message_id)
            return json.dumps({"messaging_product": "whatsapp", "messages": [{"id": message_id}]}).encode()
        sid = self.issued_override or f"SM{number:032x}"
        self.issued.append(sid)
        return json.dumps({"sid": sid, "status": "queued"}).encode()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def _handler(provider: FakeProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            provider.requests.append(ProviderRequest(self.command, self.path, headers, body))
            status = provider.statuses.pop(0) if provider.statuses else 201
            payload = provider.answer(self.path, status)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST  # noqa: N815 - a followed redirect would arrive here

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def fake_provider() -> Iterator[FakeProvider]:
    found: list[FakeProvider] = []

    def handler(server: ThreadingHTTPServer) -> type[BaseHTTPRequestHandler]:
        found.append(FakeProvider(server))
        return _handler(found[0])

    with serving(handler):
        yield found[0]
