"""A real HTTP receiver (stdlib ``http.server`` on 127.0.0.1) and helpers for outbound webhook tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.runtime import Runtime
from engium.webhooks.service import DELIVER_JOB
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle
from tests.job_queue import drain, job_rows, runtime_with
from tests.local_http import serving

URL = "/api/v1/webhook-endpoints"
# The receiver listens on loopback, which the SSRF guard refuses unless a test opts in.
LOCAL_TEST_SETTINGS = WebhookSettings(allow_private_networks=True, allow_http=True)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    status: int = 204
    location: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/engium"


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            receiver.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(receiver.status)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST  # noqa: N815 - a followed redirect would arrive here

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found: list[Receiver] = []

    def handler(server: ThreadingHTTPServer) -> type[BaseHTTPRequestHandler]:
        found.append(Receiver(server))
        return _handler(found[0])

    with serving(handler):
        yield found[0]


@pytest.fixture
def allow_local(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> WebhookSettings:
    """Opts this test into calling the loopback receiver (ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS)."""
    monkeypatch.setattr(runtime.settings, "webhooks", LOCAL_TEST_SETTINGS)
    return LOCAL_TEST_SETTINGS


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def deliver_due(runtime: Runtime, settings: WebhookSettings, clock: FakeClock | None = None) -> None:
    """Runs the job runtime's worker over what is due, with these webhook settings and clock."""
    drain(runtime_with(runtime, webhooks=settings, clock=clock or FakeClock()))


def delivery_jobs(runtime: Runtime, delivery_id: str) -> list[dict[str, Any]]:
    return job_rows(runtime, DELIVER_JOB, delivery_id=delivery_id)


def create_endpoint(
    client: TestClient, tenant: TenantHandle, url: str, event_types: list[str] | None = None
) -> dict[str, Any]:
    body = {"url": url, "description": "CRM", "event_types": event_types or ["booking.created"]}
    response = client.post(URL, json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def deliveries(client: TestClient, tenant: TenantHandle, endpoint_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{URL}/{endpoint_id}/deliveries", headers=tenant.headers)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def new_id() -> str:
    return str(uuid.uuid4())


def book(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> dict[str, Any]:
    """Creates a booking through the API (the event source under test)."""
    from tests.bookings.conftest import open_shop

    shop = open_shop(client, runtime, tenant)
    response = client.post("/api/v1/bookings", json=shop.booking("10:00", notes="LEAK-NOTES allergy"),
                           headers=tenant.headers)
    assert response.status_code == 201, response.text
    booking: dict[str, Any] = response.json()
    return booking
