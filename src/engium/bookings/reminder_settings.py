"""A business's reminder timing and no-show policy (ADR 0042): read, and changed with an audit event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings import reminder_store
from engium.bookings.reminder_store import ReminderPolicy
from engium.kit.request_fields import NUMBER_ONLY

MAX_HOURS_BEFORE = 336  # two weeks: a reminder further ahead reminds of nothing


class ReminderSettingsOut(BaseModel):
    reminders_enabled: bool
    hours_before: int = Field(description="Hours before the appointment the reminder is sent (default 24)")
    no_show_policy: str = Field(description="Included in confirmations and reminders when set")


class ReminderSettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reminders_enabled: StrictBool | None = None
    # A whole number: 48 and 48.0 (both JSON Schema integers), never "48" or true.
    hours_before: Annotated[int, Field(ge=1, le=MAX_HOURS_BEFORE), NUMBER_ONLY] | None = None
    no_show_policy: str | None = Field(default=None, max_length=1000)


def out(policy: ReminderPolicy) -> ReminderSettingsOut:
    return ReminderSettingsOut(reminders_enabled=policy.enabled, hours_before=policy.hours_before,
                               no_show_policy=policy.no_show_policy)


def read(session: Session) -> ReminderSettingsOut:
    return out(reminder_store.policy(session))


def update(session: Session, principal: Principal, changes: ReminderSettingsUpdate) -> ReminderSettingsOut:
    row = reminder_store.settings_row(session, principal.tenant_id)
    values = changes.model_dump(exclude_unset=True, exclude_none=True)
    if "no_show_policy" in values:
        values["no_show_policy"] = values["no_show_policy"].strip()
    changed = sorted(name for name, value in values.items() if getattr(row, name) != value)
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.updated_at = datetime.now(UTC)
        session.flush()
        # The policy is the business's own text: the event names that it changed, the timing in full.
        details: dict[str, object] = {"fields": changed, "hours_before": row.hours_before,
                                      "reminders_enabled": row.reminders_enabled}
        record(session, principal, AuditAction.BOOKING_REMINDER_SETTINGS_UPDATED,
               resource_type="booking_reminder_settings", resource_id=principal.tenant_id, details=details)
    return out(ReminderPolicy(row.reminders_enabled, row.hours_before, row.no_show_policy))
