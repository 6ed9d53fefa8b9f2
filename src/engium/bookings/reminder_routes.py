"""HTTP for reminder timing, the no-show policy, and marking a booking as a no-show (ADR 0042)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.bookings import attendance, reminder_settings, service
from engium.bookings.reminder_settings import ReminderSettingsOut, ReminderSettingsUpdate
from engium.bookings.routes import booking_out
from engium.bookings.schemas import BookingOut
from engium.kit.transaction import DbSession

router = APIRouter()

SettingsRead = Annotated[Principal, Requires(Permission.TENANT_READ)]
SettingsWrite = Annotated[Principal, Requires(Permission.SETTINGS_WRITE)]
BookingsWrite = Annotated[Principal, Requires(Permission.BOOKINGS_WRITE)]


@router.get("/booking-reminders/settings", response_model=ReminderSettingsOut, tags=["bookings"])
def get_reminder_settings(principal: SettingsRead, session: DbSession) -> ReminderSettingsOut:
    return reminder_settings.read(session)


@router.patch("/booking-reminders/settings", response_model=ReminderSettingsOut, tags=["bookings"])
def update_reminder_settings(body: ReminderSettingsUpdate, principal: SettingsWrite,
                             session: DbSession) -> ReminderSettingsOut:
    return reminder_settings.update(session, principal, body)


@router.post("/bookings/{booking_id:uuid}/no-show", response_model=BookingOut, tags=["bookings"])
def mark_no_show(booking_id: UUID, principal: BookingsWrite, session: DbSession) -> BookingOut:
    booking = attendance.mark_no_show(session, principal, booking_id)
    return booking_out(booking, service.tenant_zone(session))
