"""Conversations and their messages, escalation and handoff (contacts: contacts.py).

Services take the session and the acting principal explicitly and never commit. Row-level security
hides other tenants' rows, so every referenced id is looked up first: a reference to another
tenant's row then answers 404 exactly like an id that never existed.

Every change records its audit event here, in the same transaction, and so do the sensitive reads
(a contact's record, a conversation, a transcript). Event details name ids, field names, status
transitions and counts only: never names, identifiers, subjects, message bodies or escalation reasons.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import contacts, inbound_store, outbound
from engium.conversations import repository as repo
from engium.conversations.contacts import IdentifierField
from engium.conversations.models import Conversation, Message
from engium.conversations.schemas import (
    Channel,
    ConversationCreate,
    ConversationUpdate,
    MessageCreate,
    PostingAuthor,
)
from engium.errors import Conflict, NotFound
from engium.identity import service as identity_service
from engium.kit.pagination import Cursor, PageRequest
from engium.webhooks import service as webhooks

CONVERSATION_NOT_FOUND = "Conversation not found"
MEMBER_NOT_FOUND = "Member not found"
# A channel may deliver more; what is stored is cut here (the column allows 10,000).
MAX_BODY_CHARS = 10000


def _now() -> datetime:
    return datetime.now(UTC)


def _webhook_facts(conversation: Conversation) -> dict[str, Any]:
    """What an outbound webhook may say (it leaves the system): ids and states, never subject or reason."""
    return {"conversation_id": conversation.id, "contact_id": conversation.contact_id,
            "channel": conversation.channel, "status": conversation.status,
            "assignee_user_id": conversation.assignee_user_id}


# Conversations


def list_conversations(
    session: Session,
    principal: Principal,
    page: PageRequest,
    *,
    status: str | None = None,
    channel: str | None = None,
    assignee_user_id: UUID | None = None,
    contact_id: UUID | None = None,
) -> list[Row[Any]]:
    return repo.list_conversations(
        session,
        cursor=page.cursor,
        limit=page.limit,
        status=status,
        channel=channel,
        assignee_user_id=assignee_user_id,
        contact_id=contact_id,
    )


def get_conversation(
    session: Session, principal: Principal, conversation_id: UUID, *, for_update: bool = False
) -> Conversation:
    conversation = repo.get_conversation(session, conversation_id, for_update=for_update)
    if conversation is None:
        raise NotFound(CONVERSATION_NOT_FOUND)
    return conversation


def view_conversation(session: Session, principal: Principal, conversation_id: UUID) -> Conversation:
    """A person reading one conversation (subject, escalation reason): logged as an access."""
    conversation = get_conversation(session, principal, conversation_id)
    record(
        session,
        principal,
        AuditAction.CONVERSATION_VIEWED,
        resource_type="conversation",
        resource_id=conversation.id,
        details={"what": "conversation"},
    )
    return conversation


def create_conversation(session: Session, principal: Principal, data: ConversationCreate) -> Conversation:
    contact = contacts.get_contact(session, principal, data.contact_id)
    now = _now()
    conversation = Conversation(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        contact_id=contact.id,
        channel=data.channel,
        status="open",
        assignee_user_id=None,
        subject=data.subject,
        escalation_reason=None,
        created_at=now,
        updated_at=now,
        last_message_at=now,
    )
    repo.add(session, conversation)
    record(
        session,
        principal,
        AuditAction.CONVERSATION_CREATED,
        resource_type="conversation",
        resource_id=conversation.id,
        details={"contact_id": contact.id, "channel": conversation.channel, "status": conversation.status},
    )
    if data.message is not None:
        message = _new_message(principal, conversation, data.message, "contact", now)
        repo.add(session, message)
        _record_message(session, principal, message)
    return conversation


def update_conversation(
    session: Session, principal: Principal, conversation_id: UUID, changes: ConversationUpdate
) -> Conversation:
    conversation = get_conversation(session, principal, conversation_id, for_update=True)
    values = changes.model_dump(include=changes.model_fields_set)
    if not values:
        return conversation
    changed = contacts.changed_fields(conversation, values)
    previous_status = conversation.status
    for field, value in values.items():
        setattr(conversation, field, value)
    conversation.updated_at = _now()
    repo.save(session)
    if changed:
        details: dict[str, Any] = {"fields": changed}
        if "status" in changed:
            details.update({"from": previous_status, "to": conversation.status})
        record(
            session,
            principal,
            AuditAction.CONVERSATION_UPDATED,
            resource_type="conversation",
            resource_id=conversation.id,
            details=details,
        )
    return conversation


def escalate(session: Session, principal: Principal, conversation_id: UUID, reason: str) -> Conversation:
    conversation = get_conversation(session, principal, conversation_id, for_update=True)
    if conversation.status == "resolved":
        raise Conflict("This conversation is resolved; reopen it before escalating")
    previous_status = conversation.status
    conversation.status = "escalated"
    conversation.escalation_reason = reason
    conversation.updated_at = _now()
    repo.save(session)
    record(
        session,
        principal,
        AuditAction.CONVERSATION_ESCALATED,
        resource_type="conversation",
        resource_id=conversation.id,
        # The reason is the customer's situation in free text: personal data, so only its length.
        details={"from": previous_status, "to": "escalated", "reason_length": len(reason)},
    )
    webhooks.emit(session, conversation.tenant_id, "conversation.escalated", _webhook_facts(conversation))
    return conversation


def assign(
    session: Session, principal: Principal, conversation_id: UUID, user_id: UUID | None
) -> Conversation:
    conversation = get_conversation(session, principal, conversation_id, for_update=True)
    if user_id is not None and not _is_member(session, user_id):
        raise NotFound(MEMBER_NOT_FOUND)
    previous = conversation.assignee_user_id
    conversation.assignee_user_id = user_id
    conversation.updated_at = _now()
    repo.save(session)
    if previous != user_id:
        record(
            session,
            principal,
            AuditAction.CONVERSATION_ASSIGNED,
            resource_type="conversation",
            resource_id=conversation.id,
            details={"from": previous, "to": user_id},
        )
    return conversation


def _is_member(session: Session, user_id: UUID) -> bool:
    # Checked first for a precise 404; the composite foreign key still guards the write itself.
    return identity_service.is_member(session, user_id)


def resolve(session: Session, principal: Principal, conversation_id: UUID) -> Conversation:
    conversation = get_conversation(session, principal, conversation_id, for_update=True)
    if conversation.status != "resolved":
        previous_status = conversation.status
        conversation.status = "resolved"
        conversation.updated_at = _now()
        repo.save(session)
        record(
            session,
            principal,
            AuditAction.CONVERSATION_RESOLVED,
            resource_type="conversation",
            resource_id=conversation.id,
            details={"from": previous_status, "to": "resolved"},
        )
        webhooks.emit(session, conversation.tenant_id, "conversation.resolved", _webhook_facts(conversation))
        outbound.queue_rating_question(session, conversation.tenant_id, conversation.id)
    return conversation


# Messages


def list_messages(
    session: Session, principal: Principal, conversation_id: UUID, page: PageRequest
) -> list[Message]:
    """Reads a transcript page; every read is logged as an access to the conversation."""
    get_conversation(session, principal, conversation_id)
    rows = repo.list_messages(session, conversation_id, cursor=page.cursor, limit=page.limit)
    record(
        session,
        principal,
        AuditAction.CONVERSATION_VIEWED,
        resource_type="conversation",
        resource_id=conversation_id,
        details={"what": "transcript", "messages": len(rows[: page.limit])},
    )
    return rows


def _new_message(
    principal: Principal, conversation: Conversation, body: str, author: PostingAuthor, at: datetime
) -> Message:
    from_contact = author == "contact"
    return Message(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        conversation_id=conversation.id,
        direction="inbound" if from_contact else "outbound",
        author_kind=author,
        # An API key acts for the business, not for a person, so an agent message may have no author.
        author_user_id=None if from_contact else principal.user_id,
        body=body,
        created_at=at,
    )


def _record_message(session: Session, principal: Principal, message: Message) -> None:
    record(
        session, principal, AuditAction.MESSAGE_CREATED, resource_type="message", resource_id=message.id,
        details={"conversation_id": message.conversation_id, "direction": message.direction,
                 "author_kind": message.author_kind},
    )


def post_message(
    session: Session, principal: Principal, conversation_id: UUID, data: MessageCreate
) -> Message:
    conversation = get_conversation(session, principal, conversation_id, for_update=True)
    return _append(session, principal, conversation, data.body, data.author_kind)


def _append(
    session: Session, principal: Principal, conversation: Conversation, body: str, author: PostingAuthor,
    *, reopens: bool = True,
) -> Message:
    """The one way a message joins a conversation the caller holds locked, whoever writes it."""
    # Taken after the row lock, so messages of one conversation get increasing timestamps.
    now = max(_now(), conversation.last_message_at)
    message = _new_message(principal, conversation, body, author, now)
    repo.add(session, message)
    _record_message(session, principal, message)
    # An SMS/WhatsApp reply leaves through the provider: its send job commits with the message.
    outbound.queue_reply(session, conversation.channel, message)
    reopened = reopens and author == "contact" and conversation.status == "resolved"
    if reopened:
        conversation.status = "open"
    conversation.last_message_at = now
    conversation.updated_at = now
    repo.save(session)
    if reopened:
        record(
            session,
            principal,
            AuditAction.CONVERSATION_UPDATED,
            resource_type="conversation",
            resource_id=conversation.id,
            details={"fields": ["status"], "from": "resolved", "to": "open", "cause": "inbound_message"},
        )
    return message


def post_assistant_message(session: Session, principal: Principal, conversation: Conversation, body: str,
                           *, in_reply_to: UUID | None = None) -> Message:
    """The assistant's reply on a conversation the caller holds locked: stored outbound with author_kind
    "assistant", and queued for sending on SMS/WhatsApp in the same transaction, like an agent's.
    ``in_reply_to``: the customer message it answers (one reply each, see :func:`is_answered`)."""
    now = max(_now(), conversation.last_message_at)
    message = Message(
        tenant_id=conversation.tenant_id, id=uuid.uuid4(), conversation_id=conversation.id, direction="outbound",
        author_kind="assistant", author_user_id=None, body=body, created_at=now, in_reply_to=in_reply_to,
    )
    repo.add(session, message)
    _record_message(session, principal, message)
    outbound.queue_reply(session, conversation.channel, message)
    conversation.last_message_at = now
    conversation.updated_at = now
    repo.save(session)
    return message


# Customers writing in through a channel (the actor is the verified webhook sender or the visitor)


@dataclass(frozen=True)
class Arrival:
    contact_id: UUID
    conversation_id: UUID
    message_id: UUID
    contact_created: bool
    conversation_created: bool


def receive_message(
    session: Session,
    actor: Principal,
    *,
    channel: Channel,
    field: IdentifierField,
    identifier: str,
    body: str,
    name: str = "",
    delivery: tuple[str, str] | None = None,
) -> Arrival:
    """A customer's message from a channel: their contact (found by the identifier the channel verified, or
    created), their open conversation on that channel (or a new one), the message stored inbound, and
    ``delivery``'s replay row (provider, event id) linked to it. The rows are one round trip
    (inbound_store.py, ADR 0051); the audit events and the ``conversation.created`` emission follow from
    what it returns, with the same actions, details and order as when the ORM wrote the rows."""
    text = body[:MAX_BODY_CHARS] if body.strip() else "[no text content]"
    stored = inbound_store.store_arrival(
        session, actor, channel=channel, field=field, identifier=identifier, name=name[:200], body=text,
        at=_now(), delivery=delivery,
    )
    if stored.contact_created:
        contacts.record_channel_contact_created(session, actor, stored.contact_id, field)
    if stored.conversation_created:
        _channel_conversation_created(session, actor, stored.conversation_id, stored.contact_id, channel)
    record(
        session, actor, AuditAction.MESSAGE_CREATED, resource_type="message", resource_id=stored.message_id,
        details={"conversation_id": stored.conversation_id, "direction": "inbound", "author_kind": "contact"},
    )
    return Arrival(stored.contact_id, stored.conversation_id, stored.message_id, stored.contact_created,
                   stored.conversation_created)


def open_conversation(
    session: Session, actor: Principal, contact_id: UUID, channel: Channel, *, force_new: bool = False
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
    now = _now()
    conversation = Conversation(
        tenant_id=actor.tenant_id, id=uuid.uuid4(), contact_id=contact_id, channel=channel, status="open",
        assignee_user_id=None, subject="", escalation_reason=None,
        created_at=now, updated_at=now, last_message_at=now,
    )
    repo.add(session, conversation)
    _channel_conversation_created(session, actor, conversation.id, contact_id, channel)
    return conversation, True


def _channel_conversation_created(
    session: Session, actor: Principal, conversation_id: UUID, contact_id: UUID, channel: Channel
) -> None:
    """The audit event and the ``conversation.created`` webhook of a conversation a channel opened (open,
    unassigned), whether the ORM or the inbound store function (ADR 0051) wrote its row."""
    record(
        session, actor, AuditAction.CONVERSATION_CREATED, resource_type="conversation", resource_id=conversation_id,
        details={"contact_id": contact_id, "channel": channel, "status": "open", "source": "channel"},
    )
    webhooks.emit(session, actor.tenant_id, "conversation.created", {
        "conversation_id": conversation_id, "contact_id": contact_id, "channel": channel, "status": "open",
        "assignee_user_id": None,
    })


def add_contact_message(session: Session, actor: Principal, conversation: Conversation, body: str, *,
                        reopens: bool = True) -> Message:
    """Stores a customer's message on a conversation the caller holds (locked or just created); a
    resolved conversation opens again, as when staff post a message in the customer's name, unless
    ``reopens`` is False (the customer's answer to the satisfaction question asked at its resolution)."""
    text = body[:MAX_BODY_CHARS] if body.strip() else "[no text content]"
    return _append(session, actor, conversation, text, "contact", reopens=reopens)


# Reads for the code that acts on a customer's behalf (a send, a turn): no read event of their own.


def conversation_by_id(session: Session, conversation_id: UUID, *, for_update: bool = False) -> Conversation | None:
    return repo.get_conversation(session, conversation_id, for_update=for_update)


def conversations_by_ids(session: Session, conversation_ids: list[UUID]) -> list[Conversation]:
    """The bound tenant's conversations among ``conversation_ids``, in one query (RLS hides the rest)."""
    return repo.conversations_by_ids(session, conversation_ids)


def message_by_id(session: Session, message_id: UUID) -> Message | None:
    return session.execute(select(Message).where(Message.id == message_id)).scalar_one_or_none()


def latest_conversation_on(session: Session, contact_id: UUID, channels: Sequence[str]) -> Conversation | None:
    """The contact's most recently active conversation on one of ``channels``, locked (a message joins it)."""
    return session.execute(
        select(Conversation).where(Conversation.contact_id == contact_id, Conversation.channel.in_(list(channels)))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()


def last_outbound_before(session: Session, conversation_id: UUID, message_id: UUID) -> UUID | None:
    """The last message the customer was sent in the conversation before their message ``message_id``."""
    sent_at = select(Message.created_at).where(Message.id == message_id).scalar_subquery()
    return session.execute(
        select(Message.id).where(Message.conversation_id == conversation_id, Message.direction == "outbound",
                                 Message.created_at <= sent_at)
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(1)
    ).scalar_one_or_none()


def is_answered(session: Session, message_id: UUID) -> bool:
    """Whether the assistant has replied to this customer message already."""
    found = session.execute(select(Message.id).where(Message.in_reply_to == message_id).limit(1)).first()
    return found is not None


def has_staff_message_since(session: Session, conversation_id: UUID, since: datetime) -> bool:
    """Whether a member of staff (author_kind "agent") has written in the conversation since ``since``."""
    found = session.execute(
        select(Message.id).where(Message.conversation_id == conversation_id, Message.author_kind == "agent",
                                 Message.created_at >= since).limit(1)
    ).first()
    return found is not None


def record_delivery(session: Session, message_id: UUID, status: str, error: str | None, at: datetime) -> None:
    """Where a reply that leaves through a provider stands: queued, sent or failed (with the reason)."""
    session.execute(
        update(Message).where(Message.id == message_id)
        .values(delivery_status=status, delivery_error=error[:500] if error else None, delivery_updated_at=at)
    )


def delivery_statuses(session: Session, message_ids: Sequence[UUID]) -> list[tuple[UUID, str, str | None]]:
    """(id, status, error) of each listed message that leaves through a provider; the others are absent."""
    return repo.delivery_statuses(session, list(message_ids)) if message_ids else []


def transcript(session: Session, conversation_id: UUID, *, after: Cursor | None, limit: int) -> list[Message]:
    """A page of one conversation's messages, oldest first (``limit + 1`` rows, see repository)."""
    return repo.list_messages(session, conversation_id, cursor=after, limit=limit)
