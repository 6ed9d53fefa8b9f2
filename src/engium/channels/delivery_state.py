"""Whether an outbound SMS/WhatsApp message has left: the one place the staff web app asks.

The state lives on the message (``delivery_status``: queued when the reply is stored, then sent or failed
as the sender settles it, with the provider's error). Inbound messages and web chat replies, which the
widget fetches itself, have none. Reads under the bound tenant's RLS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.conversations.models import Message


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    state: DeliveryState
    error: str | None


def delivery_states(session: Session, message_ids: Sequence[UUID]) -> dict[UUID, Delivery]:
    """The delivery of each message that had to be sent through a provider; other messages are absent."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(Message.id, Message.delivery_status, Message.delivery_error).where(
            Message.id.in_(list(message_ids)), Message.delivery_status.is_not(None)
        )
    )
    return {message_id: Delivery(DeliveryState(state), error) for message_id, state, error in rows if state}
