"""Contacts, conversations, messages, escalation and handoff.

Services take the session and the acting principal explicitly and never commit. Row-level security
hides other tenants' rows, so every referenced id is looked up first: a reference to another
tenant's row then answers 404 exactly like an id that never existed.

Every change records its audit event here, in the same transaction, and so do the sensitive reads
(a contact's record, a conversation, a transcript). Event details name ids, field names, status
transitions and counts only: never names, identifiers, subjects, message bodies or escalation reasons.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import outbound
from engium.conversations import repository as repo
from engium.conversations.models import Contact, Conversation, Message
from engium.conversations.schemas import (
    IDENTIFIERS,
    ContactCreate,
    ContactUpdate,
    ConversationCreate,
    ConversationUpdate,
    MessageCreate,
    PostingAuthor,
)
from engium.errors import Conflict, NotFound, Unprocessable
from engium.identity import service as identity_service
from engium.kit.pagination import PageRequest
from engium.webhooks import service as webhooks

CONTACT_NOT_FOUND = "Contact not found"
CONVERSATION_NOT_FOUND = "Conversation not found"
MEMBER_NOT_FOUND = "Member not found"


def _now() -> datetime:
    return datetime.now(UTC)


def _webhook_facts(conversation: Conversation) -> dict[str, Any]:
    """What an outbound webhook may say (it leaves the system): ids and states, never subject or reason."""
    return {"conversation_id": conversation.id, "contact_id": conversation.contact_id,
            "channel": conversation.channel, "status": conversation.status,
            "assignee_user_id": conversation.assignee_user_id}


# Contacts


def list_contacts(session: Session, principal: Principal, page: PageRequest, q: str | None) -> list[Contact]:
    return repo.list_contacts(session, cursor=page.cursor, limit=page.limit, q=q.strip() if q else None)


def get_contact(session: Session, principal: Principal, contact_id: UUID) -> Contact:
    contact = repo.get_contact(session, contact_id)
    if contact is None:
        raise NotFound(CONTACT_NOT_FOUND)
    return contact


def view_contact(session: Session, principal: Principal, contact_id: UUID) -> Contact:
    """A person reading one contact's record: an access to personal data, so it is logged."""
    contact = get_contact(session, principal, contact_id)
    record(session, principal, AuditAction.CONTACT_VIEWED, resource_type="contact", resource_id=contact.id)
    return contact


def _changed_fields(row: object, values: dict[str, Any]) -> list[str]:
    return sorted(field for field, value in values.items() if getattr(row, field) != value)


def _ensure_identifiers_free(
    session: Session, identifiers: dict[str, str | None], excluding: UUID | None = None
) -> None:
    # Checked up front for a message naming the field; the unique constraints still decide races.
    wanted = {field: value for field, value in identifiers.items() if value is not None}
    for other in repo.find_contacts_by_identifiers(session, wanted, excluding=excluding):
        taken = next(field for field, value in wanted.items() if getattr(other, field) == value)
        raise Conflict(
            f"Another contact already has this {taken}",
            details={"field": taken, "contact_id": str(other.id)},
        )


def create_contact(session: Session, principal: Principal, data: ContactCreate) -> Contact:
    _ensure_identifiers_free(session, {field: getattr(data, field) for field in IDENTIFIERS})
    now = _now()
    contact = Contact(
        tenant_id=principal.tenant_id,
        id=uuid.uuid4(),
        name=data.name,
        email=data.email,
        phone=data.phone,
        widget_id=data.widget_id,
        created_at=now,
        updated_at=now,
    )
    repo.add(session, contact)
    record(
        session, principal, AuditAction.CONTACT_CREATED, resource_type="contact", resource_id=contact.id,
        details={"identifiers": [field for field in IDENTIFIERS if getattr(contact, field) is not None]},
    )
    return contact


def update_contact(session: Session, principal: Principal, contact_id: UUID, changes: ContactUpdate) -> Contact:
    contact = get_contact(session, principal, contact_id)
    values = changes.model_dump(include=changes.model_fields_set)
    if not values:
        return contact
    identifiers = {field: values[field] for field in IDENTIFIERS if field in values}
    if all(values.get(field, getattr(contact, field)) is None for field in IDENTIFIERS):
        raise Unprocessable("A contact needs at least one of email, phone or widget_id")
    _ensure_identifiers_free(session, identifiers, excluding=contact.id)
    changed = _changed_fields(contact, values)
    for field, value in values.items():
        setattr(contact, field, value)
    contact.updated_at = _now()
    repo.save(session)
    if changed:
        record(session, principal, AuditAction.CONTACT_UPDATED, resource_type="contact", resource_id=contact.id,
               details={"fields": changed})
    return contact


def delete_contact(session: Session, principal: Principal, contact_id: UUID) -> None:
    """Deletes the contact and, through the foreign keys, its conversations and messages."""
    get_contact(session, principal, contact_id)
    # Counted before the cascade removes them, so the log shows how much went with the contact.
    conversations = session.execute(
        select(func.count()).select_from(Conversation).where(Conversation.contact_id == contact_id)
    ).scalar_one()
    repo.delete_contact(session, contact_id)
    record(session, principal, AuditAction.CONTACT_DELETED, resource_type="contact", resource_id=contact_id,
           details={"conversations": conversations})


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
    contact = get_contact(session, principal, data.contact_id)
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
    changed = _changed_fields(conversation, values)
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
    # Taken after the row lock, so messages of one conversation get increasing timestamps.
    now = max(_now(), conversation.last_message_at)
    message = _new_message(principal, conversation, data.body, data.author_kind, now)
    repo.add(session, message)
    _record_message(session, principal, message)
    # An SMS/WhatsApp reply leaves through the provider: its send job commits with the message.
    outbound.queue_reply(session, conversation.channel, message)
    reopened = data.author_kind == "contact" and conversation.status == "resolved"
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


def post_assistant_message(session: Session, principal: Principal, conversation: Conversation, body: str) -> Message:
    """The assistant's reply on a conversation the caller holds locked: stored outbound with author_kind
    "assistant", and queued for sending on SMS/WhatsApp in the same transaction, like an agent's."""
    now = max(_now(), conversation.last_message_at)
    message = Message(
        tenant_id=conversation.tenant_id, id=uuid.uuid4(), conversation_id=conversation.id, direction="outbound",
        author_kind="assistant", author_user_id=None, body=body, created_at=now,
    )
    repo.add(session, message)
    _record_message(session, principal, message)
    outbound.queue_reply(session, conversation.channel, message)
    conversation.last_message_at = now
    conversation.updated_at = now
    repo.save(session)
    return message
