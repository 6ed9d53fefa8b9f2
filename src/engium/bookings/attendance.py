"""Whether the customer comes (ADR 0042): the customer's own confirmation from a reminder, and a no-show
marked by staff after the appointment's start.

A no-show is a status of its own (``no_show``), not a cancellation: the slot was held and lost. Only a
confirmed booking whose start has passed can be marked (marking one in the future would be a guess), and
marking it again returns it unchanged. Audit events and the ``booking.no_show`` webhook event hold ids and
times only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings import availability as avail
from engium.bookings.models import Booking
from engium.bookings.service import get_booking
from engium.errors import Conflict
from engium.webhooks import service as webhooks

NOT_YET = "The appointment has not started yet; a booking can be marked as a no-show only after its start time"


def _facts(booking: Booking) -> dict[str, object]:
    return {
        "booking_id": booking.id, "status": booking.status, "service_id": booking.service_id,
        "staff_id": booking.staff_id, "contact_id": booking.contact_id,
        "starts_at": avail.as_utc(booking.starts_at).isoformat(), "ends_at": avail.as_utc(booking.ends_at).isoformat(),
    }


def mark_no_show(session: Session, principal: Principal, booking_id: UUID, *, now: datetime | None = None) -> Booking:
    booking = get_booking(session, booking_id, for_update=True)
    if booking.status == "no_show":
        return booking
    if booking.status != "confirmed":
        raise Conflict("A cancelled booking cannot be marked as a no-show")
    moment = now or datetime.now(UTC)
    if avail.as_utc(booking.starts_at) > moment:
        raise Conflict(NOT_YET)
    booking.status, booking.no_show_at = "no_show", moment
    session.flush()
    record(session, principal, AuditAction.BOOKING_NO_SHOW, resource_type="booking", resource_id=booking.id,
           details={"from": "confirmed", "to": "no_show", **_facts(booking)})
    webhooks.emit(session, booking.tenant_id, "booking.no_show", _facts(booking))
    return booking


def confirm_attendance(session: Session, principal: Principal, booking_id: UUID, contact_id: UUID,
                       now: datetime) -> Booking | None:
    """The customer said they will come: the booking, if it is still theirs, confirmed and upcoming;
    None otherwise (another contact's booking, cancelled, or already started). Confirming twice is
    recorded once."""
    booking = session.get(Booking, (principal.tenant_id, booking_id), with_for_update=True)
    if booking is None or booking.contact_id != contact_id or booking.status != "confirmed":
        return None
    if avail.as_utc(booking.starts_at) <= now:
        return None
    if booking.customer_confirmed_at is None:
        booking.customer_confirmed_at = now
        session.flush()
        record(session, principal, AuditAction.BOOKING_CUSTOMER_CONFIRMED, resource_type="booking",
               resource_id=booking.id, details={"booking_id": booking.id, "contact_id": contact_id})
    return booking
