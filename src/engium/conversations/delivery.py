"""Where an outbound SMS/WhatsApp reply stands, moved forward only: queued → sent → delivered, or failed.

Every change is one guarded ``UPDATE``: it names the states the message may come from, so a late or
replayed provider report (a "sent" after "delivered", the same "failed" twice) matches no row and changes
nothing, whatever order concurrent callbacks commit in. The provider's id for the message is stored when
the provider accepts the send; status callbacks find the message by it, under the bound tenant's RLS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engium.conversations import repository as repo
from engium.conversations.models import Message

MAX_ERROR_CHARS = 500
# The states a message may move into, each with the states it may come from. Delivered and failed are
# final: a provider does not take back a delivery, and a failed message is sent again as a new one.
FORWARD: dict[str, frozenset[str]] = {
    "sent": frozenset({"queued"}),
    "delivered": frozenset({"queued", "sent"}),
    "failed": frozenset({"queued", "sent"}),
}


@dataclass(frozen=True)
class DeliveryChange:
    message_id: UUID
    conversation_id: UUID
    status: str


def record_accepted(session: Session, message_id: UUID, provider: str, provider_message_id: str | None,
                    at: datetime) -> None:
    """The provider accepted the send: ``sent``, with its id for the message when it gave a usable one.
    An id some other message of the tenant already holds (a provider stand-in that repeats itself) is not
    stored twice: the message is still sent, it just cannot be followed by callbacks."""
    if provider_message_id is not None and _holder(session, provider, provider_message_id) not in (None, message_id):
        provider_message_id = None
    values: dict[str, object] = {"delivery_status": "sent", "delivery_error": None, "delivery_updated_at": at}
    if provider_message_id is not None:
        values |= {"provider": provider, "provider_message_id": provider_message_id}
    session.execute(update(Message).where(Message.id == message_id).values(**values))


def advance(session: Session, provider: str, provider_message_id: str, status: str, error: str | None,
            at: datetime) -> DeliveryChange | None:
    """Moves the bound tenant's message with this provider id into ``status``; None when no message of the
    tenant has the id or the move would go backwards (nothing changes then)."""
    sources = FORWARD.get(status)
    if sources is None:
        return None
    row = session.execute(
        update(Message)
        .where(Message.provider == provider, Message.provider_message_id == provider_message_id,
               Message.delivery_status.in_(sources))
        .values(delivery_status=status, delivery_error=error[:MAX_ERROR_CHARS] if error else None,
                delivery_updated_at=at)
        .returning(Message.id, Message.conversation_id, Message.tenant_id)
    ).first()
    if row is None:
        return None
    repo.announce_changed(session, [(row.tenant_id, row.conversation_id)])
    return DeliveryChange(row.id, row.conversation_id, status)


def _holder(session: Session, provider: str, provider_message_id: str) -> UUID | None:
    found: UUID | None = session.execute(
        select(Message.id).where(Message.provider == provider, Message.provider_message_id == provider_message_id)
    ).scalar_one_or_none()
    return found
