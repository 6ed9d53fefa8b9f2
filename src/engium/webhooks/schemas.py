"""Request and response bodies. The signing secret appears in exactly one response model:
:class:`EndpointCreated` (and :class:`SecretRotated`), returned once when it is generated."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat

from engium.integrations.schemas import MAX_GRACE_HOURS

EventType = Literal[
    "booking.created", "booking.cancelled", "booking.rescheduled", "conversation.escalated", "conversation.resolved",
    # A customer wrote in on a channel and a new conversation began (not one staff opened through the API).
    "conversation.created",
    # The tenant's subprocessor register changed (trust/register.py); the data names the subprocessor.
    "subprocessors.changed",
    # An incident affecting the business (incidents/notifications.py): ids, severity, categories, window.
    "incident.notified",
    # An SMS/WhatsApp reply was not sent or not delivered (channels/delivery_receipts.py): ids, provider, code.
    "message.delivery_failed",
    # Nobody replied to a handed-over conversation within the tenant's follow-up time (ADR 0037).
    "conversation.awaiting_staff",
    # Staff marked a past booking as a no-show (ADR 0042): ids, times, status.
    "booking.no_show",
]
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
DeliveryStatus = Literal["pending", "delivered", "dead"]

Url = str  # checked by ssrf.check (scheme, host, resolution), not by a pattern: one place, one message
EventTypes = list[EventType]


class EndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url = Field(min_length=10, max_length=2000)
    description: str = Field(default="", max_length=200)
    event_types: EventTypes = Field(min_length=1, max_length=len(EVENT_TYPES))
    # A marketing or advertising tool: events about customers who opted out of sale or sharing are withheld.
    shares_personal_data: StrictBool = False


class EndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url | None = Field(default=None, min_length=10, max_length=2000)
    description: str | None = Field(default=None, max_length=200)
    event_types: EventTypes | None = Field(default=None, min_length=1, max_length=len(EVENT_TYPES))
    # Re-enables an endpoint that a 410 Gone disabled, or pauses one.
    active: StrictBool | None = None
    shares_personal_data: StrictBool | None = None


class SecretRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # How long deliveries stay signed with the previous secret too.
    grace_period_hours: StrictFloat = Field(default=24.0, ge=0, le=MAX_GRACE_HOURS)


class EndpointOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    url: str
    description: str
    event_types: list[str]
    active: bool
    disabled_reason: str | None
    shares_personal_data: bool
    created_at: datetime
    updated_at: datetime
    # The tenant's Ed25519 public key (``whpk_...``) for checking ``v1a`` signatures. Public by design.
    signing_public_key: str


class EndpointCreated(EndpointOut):
    # Shown once: it is stored only encrypted and no other response carries it.
    secret: str


class SecretRotated(BaseModel):
    id: UUID
    secret: str
    previous_valid_until: datetime | None


class DeliveryOut(BaseModel):
    """The delivery log: outcome metadata only, never the payload's signature or the secret."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    endpoint_id: UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
