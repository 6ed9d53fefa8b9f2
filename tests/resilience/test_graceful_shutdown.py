"""``engium serve`` receiving SIGTERM under a steady load of API writes: requests in flight finish, no
answer claims something that was not stored, nothing stored goes unanswered silently, and the process
exits by itself."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import make_tenant, scratch_dir
from tests.live_server import LiveServer, live_server

CLIENTS = 8


@dataclass
class Outcome:
    name: str
    status: int | None  # None: no answer (refused or cut off)
    sent_at: float
    answered_at: float


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with scratch_dir("engium-sigterm-") as scratch, live_server(scratch / "data") as started:
        yield started


def test_sigterm_drains_in_flight_requests_and_loses_nothing(server: LiveServer) -> None:
    runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False), database=server.database)
    tenant = make_tenant(runtime)
    outcomes: list[Outcome] = []
    stop = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=server.url, timeout=30) as api:
            while not stop.is_set():
                name = f"Customer {uuid.uuid4().hex}"
                sent = time.perf_counter()
                try:
                    status: int | None = api.post("/api/v1/contacts", headers=tenant.headers,
                                                  json={"name": name, "widget_id": name.split()[-1]}).status_code
                except httpx.HTTPError:
                    status = None
                outcomes.append(Outcome(name, status, sent, time.perf_counter()))
                if status is None:
                    return  # the server is going away: a real client would retry elsewhere

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    time.sleep(3)
    terminated_at = time.perf_counter()
    server.process.send_signal(signal.SIGTERM)
    exit_code = server.process.wait(60)
    stop.set()
    for thread in threads:
        thread.join(30)

    # uvicorn re-raises the signal once drained: death by SIGTERM is its clean exit (systemd agrees).
    assert exit_code in {0, -signal.SIGTERM}
    assert {o.status for o in outcomes} <= {201, None}  # never a 5xx
    created = {o.name for o in outcomes if o.status == 201}
    with tenant_transaction(server.database, tenant.id) as session:
        stored = set(session.execute(text("select name from contacts")).scalars())
    assert created <= stored  # every 201 was stored
    # A request whose answer was lost in the shutdown may or may not have been stored: the client saw no
    # answer and retries. Nothing else is stored.
    unanswered = {o.name for o in outcomes if o.status is None}
    assert stored - created <= unanswered
    drained = [o for o in outcomes if o.status == 201 and o.sent_at < terminated_at < o.answered_at]
    assert drained, "no request was in flight at SIGTERM; the test proved nothing"
    assert len(created) > 20


