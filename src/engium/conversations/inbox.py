"""What the staff inbox shows beside each conversation: who the contact is and the last message.

Reads only, under the bound tenant's RLS. The last message is part of a transcript, so every preview a
person is shown is logged as an access (``conversation.viewed`` with ``what: inbox``), like a transcript.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations.models import Contact

# One index probe per conversation (messages_conversation_idx, newest first), however long each is.
_LAST_MESSAGES = text(
    """
    select c.id, m.body, m.direction, m.author_kind, m.created_at
      from unnest(cast(:ids as uuid[])) as c(id)
      cross join lateral (
        select body, direction, author_kind, created_at from messages
         where conversation_id = c.id order by created_at desc, id desc limit 1
      ) m
    """
)
PREVIEW_CHARS = 160


@dataclass(frozen=True)
class InboxPreview:
    contact_name: str
    last_message: str
    last_direction: str
    last_author_kind: str


def contact_label(contact: Contact | None) -> str:
    """A name to show for a contact: the name, else an identifier, else a neutral description."""
    if contact is None:
        return "Unknown contact"
    if contact.name.strip():
        return contact.name.strip()
    if contact.phone or contact.email:
        return str(contact.phone or contact.email)
    return "Website visitor"


def contact_labels(session: Session, contact_ids: Collection[UUID]) -> dict[UUID, str]:
    """:func:`contact_label` for many contacts in one query (the bookings calendar, the inbox)."""
    if not contact_ids:
        return {}
    found = session.execute(select(Contact).where(Contact.id.in_(list(contact_ids)))).scalars()
    return {contact.id: contact_label(contact) for contact in found}


def previews(
    session: Session, principal: Principal, conversations: Sequence[tuple[UUID, UUID]]
) -> dict[UUID, InboxPreview]:
    """``conversations`` are ``(conversation id, contact id)`` pairs; the answer is keyed by conversation."""
    if not conversations:
        return {}
    names = contact_labels(session, {contact_id for _, contact_id in conversations})
    last = {
        row[0]: row for row in session.execute(_LAST_MESSAGES, {"ids": [cid for cid, _ in conversations]})
    }
    found: dict[UUID, InboxPreview] = {}
    for conversation_id, contact_id in conversations:
        message = last.get(conversation_id)
        body = " ".join(str(message[1]).split()) if message else ""
        found[conversation_id] = InboxPreview(
            contact_name=names.get(contact_id, contact_label(None)),
            last_message=body[:PREVIEW_CHARS] + ("…" if len(body) > PREVIEW_CHARS else ""),
            last_direction=str(message[2]) if message else "",
            last_author_kind=str(message[3]) if message else "",
        )
    shown = [cid for cid, _ in conversations if found[cid].last_message]
    if shown:
        record(
            session, principal, AuditAction.CONVERSATION_VIEWED, resource_type="conversation",
            resource_id=shown[0] if len(shown) == 1 else "",
            details={"what": "inbox", "conversations": len(shown)},
        )
    return found
