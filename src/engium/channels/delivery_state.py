"""Whether an outbound SMS/WhatsApp message has left: the one place the staff web app asks.

The state lives on the message (``delivery_status``: queued when the reply is stored, then sent or failed
as the sender settles it, then delivered or failed as the provider reports (delivery_receipts.py), with
the reason when it failed). Inbound messages and web chat replies, which the
widget fetches itself, have none. Reads under the bound tenant's RLS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from sqlalchemy.orm import Session

from engium.conversations import service as conversations


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True)
class Delivery:
    state: DeliveryState
    error: str | None


def delivery_states(session: Session, message_ids: Sequence[UUID]) -> dict[UUID, Delivery]:
    """The delivery of each message that had to be sent through a provider; other messages are absent."""
    return {
        message_id: Delivery(DeliveryState(state), error)
        for message_id, state, error in conversations.delivery_statuses(session, message_ids)
    }
