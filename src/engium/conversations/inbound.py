"""Messages that arrive from a channel (SMS, WhatsApp, the web widget) rather than from a staff member.

No principal acts here: the caller (a verified webhook or a widget visitor) has already bound the
transaction to the tenant and named itself in the request context, so the audit events below are
attributed to it (actor kind ``webhook`` or ``contact``). The rules mirror ``service``: a contact is
found by its channel identifier or created; the newest unresolved conversation on that channel is
reused, else a new one opens; the message is stored inbound. Event details hold ids only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import repository as repo
from engium.conversations.models import Contact, Conversation, Message
from engium.conversations.schemas import Channel
from engium.kit.pagination import Cursor

IdentifierField = Literal["phone", "widget_id", "email"]
MAX_BODY_CHARS = 10000


@dataclass(frozen=True)
class InboundResult:
    contact_id: UUID
    conversation_id: UUID
    message_id: UUID
    contact_created: bool
    conversation_created: bool


def find_or_create_contact(
    session: Session, tenant_id: UUID, field: IdentifierField, value: str, *, name: str = ""
) -> tuple[Contact, bool]:
    """The contact holding this identifier; created if none does. Concurrent first messages from one
    number race on the unique constraint: ON CONFLICT DO NOTHING and a re-read settle it."""
    column = getattr(Contact, field)
    found = session.execute(select(Contact).where(column == value)).scalar_one_or_none()
    if found is not None:
        return found, False
    now = datetime.now(UTC)
    new_id = uuid.uuid4()
    inserted = session.execute(
        insert(Contact)
        .values(tenant_id=tenant_id, id=new_id, name=name[:200], created_at=now, updated_at=now, **{field: value})
        .on_conflict_do_nothing()
        .returning(Contact.id)
    ).scalar_one_or_none()
    contact = session.execute(select(Contact).where(column == value)).scalar_one()
    if inserted is not None:
        record(
            session, None, AuditAction.CONTACT_CREATED, resource_type="contact", resource_id=contact.id,
            details={"identifiers": [field], "source": "channel"},
        )
    return contact, inserted is not None


def open_conversation(
    session: Session, tenant_id: UUID, contact_id: UUID, channel: Channel, *, force_new: bool = False
) -> tuple[Conversation, bool]:
    """The contact's newest unresolved conversation on ``channel`` (locked), or a new one."""
    if not force_new:
        existing = session.execute(
            select(Conversation)
            .where(
                Conversation.contact_id == contact_id,
                Conversation.channel == channel,
                Conversation.status != "resolved",
            )
            .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
            .limit(1)
            .with_for_update()
        ).scalar_one_or_none()
        if existing is not None:
            return existing, False
    now = datetime.now(UTC)
    conversation = Conversation(
        tenant_id=tenant_id, id=uuid.uuid4(), contact_id=contact_id, channel=channel, status="open",
        assignee_user_id=None, subject="", escalation_reason=None,
        created_at=now, updated_at=now, last_message_at=now,
    )
    repo.add(session, conversation)
    record(
        session, None, AuditAction.CONVERSATION_CREATED, resource_type="conversation", resource_id=conversation.id,
        details={"contact_id": contact_id, "channel": channel, "status": "open", "source": "channel"},
    )
    return conversation, True


def add_contact_message(session: Session, conversation: Conversation, body: str) -> Message:
    """Stores an inbound message on a conversation the caller holds (locked or just created)."""
    now = max(datetime.now(UTC), conversation.last_message_at)
    text = body[:MAX_BODY_CHARS] if body.strip() else "[no text content]"
    message = Message(
        tenant_id=conversation.tenant_id, id=uuid.uuid4(), conversation_id=conversation.id,
        direction="inbound", author_kind="contact", author_user_id=None, body=text, created_at=now,
    )
    repo.add(session, message)
    conversation.last_message_at = now
    conversation.updated_at = now
    repo.save(session)
    record(
        session, None, AuditAction.MESSAGE_CREATED, resource_type="message", resource_id=message.id,
        details={"conversation_id": conversation.id, "direction": "inbound", "author_kind": "contact"},
    )
    return message


def receive_message(
    session: Session,
    tenant_id: UUID,
    *,
    channel: Channel,
    field: IdentifierField,
    identifier: str,
    body: str,
    name: str = "",
) -> InboundResult:
    contact, contact_created = find_or_create_contact(session, tenant_id, field, identifier, name=name)
    conversation, conversation_created = open_conversation(session, tenant_id, contact.id, channel)
    message = add_contact_message(session, conversation, body)
    return InboundResult(contact.id, conversation.id, message.id, contact_created, conversation_created)


def state_visitor_details(
    session: Session, contact_id: UUID, *, name: str, phone: str | None, email: str | None
) -> Contact | None:
    """A widget visitor's own name and how to reach them, as they typed them: stored as the contact's
    *unverified* phone and e-mail, never as its identifiers (``phone``/``email`` find a contact when an
    SMS arrives, so they must hold only numbers a provider vouched for). Replaces what was stated before.
    None when the contact is not visible (another tenant's, or deleted)."""
    contact = repo.get_contact(session, contact_id)
    if contact is None:
        return None
    values = {"name": name[:200], "unverified_phone": phone, "unverified_email": email}
    changed = sorted(field for field, value in values.items() if getattr(contact, field) != value)
    for field, value in values.items():
        setattr(contact, field, value)
    if changed:
        contact.updated_at = datetime.now(UTC)
        repo.save(session)
        record(
            session, None, AuditAction.CONTACT_UPDATED, resource_type="contact", resource_id=contact.id,
            details={"fields": changed, "source": "widget"},
        )
    return contact


def get_conversation_for_update(session: Session, conversation_id: UUID) -> Conversation | None:
    return repo.get_conversation(session, conversation_id, for_update=True)


def get_conversation(session: Session, conversation_id: UUID) -> Conversation | None:
    return repo.get_conversation(session, conversation_id)


def get_contact(session: Session, contact_id: UUID) -> Contact | None:
    return repo.get_contact(session, contact_id)


def get_message(session: Session, message_id: UUID) -> Message | None:
    return session.execute(select(Message).where(Message.id == message_id)).scalar_one_or_none()


def transcript(session: Session, conversation_id: UUID, *, after: Cursor | None, limit: int) -> list[Message]:
    """A page of one conversation's messages, oldest first (``limit + 1`` rows, see repository)."""
    return repo.list_messages(session, conversation_id, cursor=after, limit=limit)
