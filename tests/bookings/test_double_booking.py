"""Double booking is impossible: under real concurrency over HTTP, and in the database itself."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx2 as httpx
import pytest
import uvicorn
from psycopg import errors as pg_errors
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from engium.app import create_app
from engium.bookings.models import Booking
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.bookings.conftest import Shop

ATTEMPTS = 50


@pytest.fixture
def live_server(runtime: Runtime) -> Iterator[str]:
    """A real uvicorn server in a thread: TestClient would funnel requests through one event loop."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; handing uvicorn the socket avoids a race
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive(), "uvicorn exited during start-up"
        assert time.monotonic() < deadline, "uvicorn did not start in time"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def _confirmed(runtime: Runtime, shop: Shop) -> int:
    with tenant_transaction(runtime.database, shop.tenant.id) as s:
        return s.execute(
            select(func.count())
            .select_from(Booking)
            .where(Booking.staff_id == uuid.UUID(shop.staff_id), Booking.status == "confirmed")
        ).scalar_one()


def test_fifty_concurrent_requests_for_one_slot_make_exactly_one_booking(
    live_server: str, runtime: Runtime, shop: Shop
) -> None:
    with httpx.Client(timeout=60) as warm:
        # Refreshes the key's last_used_at first, so the burst below contends only on the booking.
        assert warm.get(f"{live_server}/services", headers=shop.tenant.headers).status_code == 200
    start_line = threading.Barrier(ATTEMPTS)

    def attempt(n: int) -> int:
        with httpx.Client(timeout=120) as http:
            start_line.wait(timeout=60)
            body = shop.booking("10:00", notes=f"attempt {n}")
            return http.post(f"{live_server}/bookings", json=body, headers=shop.tenant.headers).status_code

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        codes = Counter(pool.map(attempt, range(ATTEMPTS)))

    assert codes == Counter({201: 1, 409: ATTEMPTS - 1})
    assert _confirmed(runtime, shop) == 1


def test_the_database_refuses_an_overlapping_booking_even_without_the_service(
    client: object, runtime: Runtime, shop: Shop
) -> None:
    starts = datetime.combine(shop.day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)

    def row(offset_minutes: int, status: str = "confirmed") -> Booking:
        begin = starts + timedelta(minutes=offset_minutes)
        return Booking(
            tenant_id=shop.tenant.id,
            id=uuid.uuid4(),
            service_id=uuid.UUID(shop.service_id),
            staff_id=uuid.UUID(shop.staff_id),
            contact_id=uuid.UUID(shop.contact_id),
            starts_at=begin,
            ends_at=begin + timedelta(minutes=30),
            status=status,
        )

    def insert(*rows: Booking) -> None:
        # Connected as engium_app, in one tenant transaction, going straight to SQL past every app check.
        with tenant_transaction(runtime.database, shop.tenant.id) as s:
            for booking in rows:
                s.add(booking)
                s.flush()

    def revive_cancelled() -> None:
        with tenant_transaction(runtime.database, shop.tenant.id) as s:
            cancelled = s.execute(select(Booking).where(Booking.status == "cancelled")).scalar_one()
            cancelled.status = "confirmed"
            s.flush()

    with pytest.raises(DBAPIError) as refused:
        insert(row(0), row(15))
    assert isinstance(refused.value.orig, pg_errors.ExclusionViolation)
    assert _confirmed(runtime, shop) == 0

    insert(row(0), row(15, status="cancelled"), row(30))  # cancelled rows never block; back-to-back is fine
    assert _confirmed(runtime, shop) == 2

    # Reviving a cancelled booking into an occupied slot is refused too.
    with pytest.raises(DBAPIError) as revived:
        revive_cancelled()
    assert isinstance(revived.value.orig, pg_errors.ExclusionViolation)
