"""A business's webhook receiver fails for a while (500s, then 429s) while events keep coming: every
delivery backs off in the job runtime and is delivered once the receiver is back; none is lost, and
none is accepted twice (each delivery id reaches a working receiver exactly once)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from tests.conftest import scratch_dir
from tests.jobs.one_delivery import queue_one_delivery
from tests.live_server import LiveServer, live_server

EVENTS = 10


class FailingReceiver:
    """Answers ``failing`` (a status) while it is set, 200 otherwise; counts what each delivery id got."""

    def __init__(self) -> None:
        self.failing: int | None = 500
        self.refused = 0
        self.accepted: Counter[str] = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length", "0")))
                status = receiver.failing or 200
                if status == 200:
                    receiver.accepted[self.headers["webhook-id"]] += 1
                else:
                    receiver.refused += 1
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[FailingReceiver]:
    started = FailingReceiver()
    yield started
    started.close()


@pytest.fixture
def server() -> Iterator[LiveServer]:
    env = {"ENGIUM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS": "true", "ENGIUM_WEBHOOKS_ALLOW_HTTP": "true",
           "ENGIUM_WEBHOOKS_RETRY_DELAYS_SECONDS": "[1,1,2,2,2,2,2,2]", "ENGIUM_WEBHOOKS_RETRY_JITTER": "0"}
    with scratch_dir("engium-receiver-outage-") as scratch, live_server(scratch / "data", env) as started:
        yield started


def delivery_states(server: LiveServer, tenant_id: uuid.UUID) -> Counter[str]:
    with tenant_transaction(server.database, tenant_id) as session:
        return Counter(str(s) for s in session.execute(text("select status from webhook_deliveries")).scalars())


def test_deliveries_wait_out_a_receiver_outage_and_are_accepted_once(
    server: LiveServer, receiver: FailingReceiver, record_property: Callable[[str, object], None]
) -> None:
    runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False), database=server.database)
    tenant = queue_one_delivery(runtime, receiver.url)
    for n in range(EVENTS - 1):  # a steady trickle of events during the outage
        with tenant_transaction(server.database, tenant.id) as session:
            webhooks.emit(session, tenant.id, "booking.created", {"booking_id": f"b-{n + 2}"})
        time.sleep(0.2)

    deadline = time.monotonic() + 30
    while receiver.refused < EVENTS and time.monotonic() < deadline:
        time.sleep(0.2)
    assert receiver.refused >= EVENTS  # every delivery was tried and refused
    assert delivery_states(server, tenant.id) == Counter({"pending": EVENTS})  # waiting, not dead, not lost
    receiver.failing = 429  # still down, now saying "slow down"
    time.sleep(3)
    receiver.failing = None  # back
    back_at = time.monotonic()

    deadline = time.monotonic() + 60
    while len(receiver.accepted) < EVENTS and time.monotonic() < deadline:
        time.sleep(0.2)
    record_property("recovery_seconds", round(time.monotonic() - back_at, 2))  # all delivered: the closing table
    time.sleep(3)  # a second copy of any delivery would arrive now
    assert len(receiver.accepted) == EVENTS  # none lost
    assert set(receiver.accepted.values()) == {1}  # none accepted twice
    assert delivery_states(server, tenant.id) == Counter({"delivered": EVENTS})
