"""Finding: a rolled-back SAVEPOINT dropped the whole transaction's pending audit events.

Events are held until the transaction commits, and any rollback, a savepoint's included, used to throw
all of them away. ``bookings.service._flushed_or_taken`` inserts a booking inside a savepoint and, when
the overlap trigger refuses it because a rival booking committed first, rolls the savepoint back and
offers the slot to the next free staff member; the outer transaction goes on to commit. Everything the
transaction had recorded before that savepoint silently vanished from the immutable log, although the
changes those events describe were committed.

No HTTP request records an event before it opens a savepoint today (the bookings routes and the
assistant's booking tools open theirs before their first event), so the loss cannot be reached
deterministically over the wire. The test therefore drives the real service functions, in one
transaction, against the live server's database (``live.database``): a new customer is created (one
event) and booked with "any staff member"; the first candidate loses the race at the overlap trigger
to a rival booking committed between the availability check and the insert, and the second candidate
takes the slot. The log, read back through the live server's audit API, must hold both events.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx2 as httpx
from sqlalchemy import event
from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.access.principal import Principal, PrincipalKind
from engium.bookings import service as bookings
from engium.bookings.models import Booking
from engium.bookings.schemas import BookingCreate
from engium.conversations import contacts as conversations
from engium.conversations.schemas import ContactCreate
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle
from tests.live_server import LiveServer

API = "/api/v1"
EVERY_DAY_9_TO_5 = [{"weekday": d, "start_time": "09:00", "end_time": "17:00"} for d in range(7)]


def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


def staff_member(client: httpx.Client, tenant: TenantHandle, name: str, service_id: str) -> uuid.UUID:
    staff = created(client.post(f"{API}/staff", json={"name": name, "service_ids": [service_id]},
                                headers=tenant.headers))
    created(client.put(f"{API}/staff/{staff['id']}/availability", json={"rules": EVERY_DAY_9_TO_5},
                       headers=tenant.headers))
    return uuid.UUID(staff["id"])


def owner(tenant: TenantHandle) -> Principal:
    return Principal(PrincipalKind.USER, tenant.owner_user_id, tenant.id, Role.OWNER, user_id=tenant.owner_user_id)


def test_losing_a_booking_race_in_a_savepoint_keeps_the_events_recorded_before_it(
    live: LiveServer, live_tenant: TenantHandle
) -> None:
    with live.client() as client:
        service_id = created(client.post(f"{API}/services", json={"name": "Haircut", "duration_minutes": 30},
                                         headers=live_tenant.headers))["id"]
        # Candidates are tried by name: Alex first, then Blake.
        alex = staff_member(client, live_tenant, "Alex", service_id)
        blake = staff_member(client, live_tenant, "Blake", service_id)
        # A regular customer, so the rival has someone to book.
        regular = created(client.post(f"{API}/contacts", json={"name": "Regular", "phone": "+15550100123"},
                                      headers=live_tenant.headers))["id"]
    starts_at = datetime.combine(date.today() + timedelta(days=7), time(10), tzinfo=UTC)

    rivals: list[uuid.UUID] = []

    def rival_takes_alex_first(session: Session, *_: object) -> None:
        """Runs as the booking for Alex is flushed, after its availability check: the race is lost."""
        if rivals or not any(isinstance(row, Booking) and row.staff_id == alex for row in session.new):
            return
        with tenant_transaction(live.database, live_tenant.id) as rival:
            rivals.append(bookings.create_booking(rival, owner(live_tenant), BookingCreate(
                service_id=service_id, staff_id=alex, contact_id=regular, starts_at=starts_at)).id)

    with tenant_transaction(live.database, live_tenant.id) as session:
        event.listen(session, "before_flush", rival_takes_alex_first)
        newcomer = conversations.create_contact(session, owner(live_tenant), ContactCreate(
            name="Newcomer", phone="+15550100456"))
        booking = bookings.create_booking(session, owner(live_tenant), BookingCreate(
            service_id=service_id, contact_id=newcomer.id, starts_at=starts_at))
        assert booking.staff_id == blake  # Alex's savepoint was rolled back; the transaction went on

    with live.client() as client:
        page = created(client.get(f"{API}/audit-events", params={"limit": 200}, headers=live_tenant.headers))
    logged = {(e["action"], e["resource_id"]) for e in page["items"]}
    assert ("contact.created", str(newcomer.id)) in logged  # recorded before the savepoint: was lost
    assert ("booking.created", str(booking.id)) in logged
    assert ("booking.created", str(rivals[0])) in logged  # the rival's own transaction
