"""All conversations SQL. Row-level security scopes every statement to the bound tenant.

Listings fetch ``limit + 1`` rows so the caller can tell whether another page exists without a
count query.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, or_, select, tuple_
from sqlalchemy.orm import Session

from engium.conversations.models import Contact, Conversation, Message
from engium.kit.pagination import Cursor


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_contacts(session: Session, *, cursor: Cursor | None, limit: int, q: str | None) -> list[Contact]:
    stmt = select(Contact).order_by(Contact.created_at.desc(), Contact.id.desc())
    if cursor is not None:
        stmt = stmt.where(tuple_(Contact.created_at, Contact.id) < tuple_(cursor.at, cursor.id))
    if q:
        pattern = f"%{_escape_like(q)}%"
        stmt = stmt.where(
            or_(
                Contact.name.ilike(pattern, escape="\\"),
                Contact.email.ilike(pattern, escape="\\"),
                Contact.phone.ilike(pattern, escape="\\"),
            )
        )
    return list(session.execute(stmt.limit(limit + 1)).scalars())


def get_contact(session: Session, contact_id: UUID) -> Contact | None:
    return session.execute(select(Contact).where(Contact.id == contact_id)).scalar_one_or_none()


def find_contacts_by_identifiers(
    session: Session, identifiers: dict[str, str], *, excluding: UUID | None = None
) -> list[Contact]:
    """Contacts that already hold any of these identifier values (email, phone, widget_id)."""
    if not identifiers:
        return []
    stmt = select(Contact).where(
        or_(*(getattr(Contact, field) == value for field, value in identifiers.items()))
    )
    if excluding is not None:
        stmt = stmt.where(Contact.id != excluding)
    return list(session.execute(stmt).scalars())


def delete_contact(session: Session, contact_id: UUID) -> None:
    session.execute(delete(Contact).where(Contact.id == contact_id))


def list_conversations(
    session: Session,
    *,
    cursor: Cursor | None,
    limit: int,
    status: str | None = None,
    channel: str | None = None,
    assignee_user_id: UUID | None = None,
    contact_id: UUID | None = None,
) -> list[Row[Any]]:
    # Plain rows, not ORM instances: a page is read-only, and identity-map bookkeeping for 51 objects
    # was a large share of a list request's CPU time.
    stmt = select(*Conversation.__table__.columns).order_by(
        Conversation.last_message_at.desc(), Conversation.id.desc()
    )
    if cursor is not None:
        stmt = stmt.where(
            tuple_(Conversation.last_message_at, Conversation.id) < tuple_(cursor.at, cursor.id)
        )
    if status is not None:
        stmt = stmt.where(Conversation.status == status)
    if channel is not None:
        stmt = stmt.where(Conversation.channel == channel)
    if assignee_user_id is not None:
        stmt = stmt.where(Conversation.assignee_user_id == assignee_user_id)
    if contact_id is not None:
        stmt = stmt.where(Conversation.contact_id == contact_id)
    return list(session.execute(stmt.limit(limit + 1)))


def get_conversation(session: Session, conversation_id: UUID, *, for_update: bool = False) -> Conversation | None:
    stmt = select(Conversation).where(Conversation.id == conversation_id)
    if for_update:
        # Serialises changes to one conversation: status transitions and last_message_at never
        # interleave between two concurrent requests.
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def list_messages(
    session: Session, conversation_id: UUID, *, cursor: Cursor | None, limit: int
) -> list[Message]:
    stmt = (
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.created_at, Message.id)
    )
    if cursor is not None:
        stmt = stmt.where(tuple_(Message.created_at, Message.id) > tuple_(cursor.at, cursor.id))
    return list(session.execute(stmt.limit(limit + 1)).scalars())


def add(session: Session, *rows: Contact | Conversation | Message) -> None:
    session.add_all(rows)
    session.flush()


def save(session: Session) -> None:
    """Sends pending changes now, so constraint violations surface inside the service call."""
    session.flush()
