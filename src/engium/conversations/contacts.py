"""Contacts: the people a business talks to, found by their channel identifiers.

Staff manage them through the API (a principal that holds the contacts permissions); channels find or
create them when a customer writes in (the webhook sender or the visitor as the actor). The audit
events name ids and field names only, never the identifiers themselves.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations import repository as repo
from engium.conversations.models import Contact, Conversation
from engium.conversations.schemas import IDENTIFIERS, ContactCreate, ContactUpdate
from engium.crypto.subject_keys import destroy_keys_of_contact
from engium.errors import Conflict, NotFound
from engium.kit.pagination import PageRequest

CONTACT_NOT_FOUND = "Contact not found"
IdentifierField = Literal["phone", "widget_id", "email"]


def _now() -> datetime:
    return datetime.now(UTC)



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


def changed_fields(row: object, values: dict[str, Any]) -> list[str]:
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
        # 409, not 422: the same request is fine for a contact that keeps another identifier; what it
        # conflicts with is this contact's current state (ADR 0020).
        raise Conflict("A contact needs at least one of email, phone or widget_id: this would remove its last one")
    _ensure_identifiers_free(session, identifiers, excluding=contact.id)
    changed = changed_fields(contact, values)
    for field, value in values.items():
        setattr(contact, field, value)
    contact.updated_at = _now()
    repo.save(session)
    if changed:
        record(session, principal, AuditAction.CONTACT_UPDATED, resource_type="contact", resource_id=contact.id,
               details={"fields": changed})
    return contact


def delete_contact(session: Session, principal: Principal, contact_id: UUID) -> None:
    """Deletes the contact and, through the foreign keys, its conversations and messages; destroys the keys
    of its personal values in the audit log. A data-subject erasure (privacy/erasure.py) reaches further."""
    get_contact(session, principal, contact_id)
    # Counted before the cascade removes them, so the log shows how much went with the contact.
    conversations = session.execute(
        select(func.count()).select_from(Conversation).where(Conversation.contact_id == contact_id)
    ).scalar_one()
    repo.delete_contact(session, contact_id)
    # Their personal values in the audit log go too: the keys that sealed them are destroyed (ADR 0021).
    keys = destroy_keys_of_contact(session, contact_id)
    record(session, principal, AuditAction.CONTACT_DELETED, resource_type="contact", resource_id=contact_id,
           details={"conversations": conversations, "keys_destroyed": keys})


def lock_contacts(session: Session, contact_ids: list[UUID]) -> dict[UUID, Contact]:
    """The bound tenant's contacts among ``contact_ids``, locked FOR UPDATE in id order (two merges of the
    same pair, either way round, queue instead of deadlocking). Another tenant's id is simply absent."""
    stmt = select(Contact).where(Contact.id.in_(contact_ids)).order_by(Contact.id).with_for_update()
    return {contact.id: contact for contact in session.execute(stmt).scalars()}


def absorb_contact(session: Session, survivor: Contact, merged: Contact) -> list[str]:
    """Deletes ``merged`` (whose rows the caller has moved to ``survivor``) and gives ``survivor`` what it
    lacked of ``merged``'s identifiers and details; ``survivor``'s own values always stay. Returns the
    fields taken. The merged contact's rows must be gone first: its identifiers are unique in the tenant."""
    fields = (*IDENTIFIERS, "name", "unverified_phone", "unverified_email")
    taken = {
        field: getattr(merged, field) for field in fields if not getattr(survivor, field) and getattr(merged, field)
    }
    merged_id = merged.id
    session.expunge(merged)
    repo.delete_contact(session, merged_id)
    for field, value in taken.items():
        setattr(survivor, field, value)
    survivor.updated_at = _now()
    repo.save(session)
    return sorted(taken)


def contact_by_id(session: Session, contact_id: UUID) -> Contact | None:
    """The contact, if the bound tenant has it: for the code that acts on a customer's behalf (a send,
    a turn), which records no read of its own."""
    return repo.get_contact(session, contact_id)


def contact_by_phone(session: Session, phone: str) -> Contact | None:
    """The bound tenant's contact with this (normalised) number, if any."""
    return session.execute(select(Contact).where(Contact.phone == phone)).scalar_one_or_none()


def contact_by_email(session: Session, email: str) -> Contact | None:
    """The bound tenant's contact with this address as its identifier, if any. Every writer stores the
    address lower-cased (``ContactEmail``) and ``(tenant_id, email)`` is unique, so at most one holds it;
    the caller lower-cases what it looks up the same way. ``unverified_email`` is never searched."""
    return session.execute(select(Contact).where(Contact.email == email)).scalar_one_or_none()


def last_channel_among(session: Session, contact_id: UUID, channels: tuple[str, ...]) -> str | None:
    """Of ``channels``, the one the contact's most recent conversation is on; None when none is."""
    return session.execute(
        select(Conversation.channel)
        .where(Conversation.contact_id == contact_id, Conversation.channel.in_(channels))
        .order_by(Conversation.last_message_at.desc()).limit(1)
    ).scalar_one_or_none()


def contact_names(session: Session, contact_ids: list[UUID]) -> dict[UUID, str]:
    """The names of the bound tenant's contacts among ``contact_ids`` (those with one), in one query."""
    if not contact_ids:
        return {}
    stmt = select(Contact.id, Contact.name).where(Contact.id.in_(set(contact_ids)), Contact.name != "")
    return {contact_id: name for contact_id, name in session.execute(stmt)}


def contact_exists(session: Session, contact_id: UUID) -> bool:
    """Whether the bound tenant has this contact: read under RLS, another tenant's id does not exist here."""
    return repo.contact_exists(session, contact_id)


def find_or_create_contact(
    session: Session, actor: Principal | None, field: IdentifierField, value: str, *, tenant_id: UUID,
    name: str = "",
) -> tuple[Contact, bool]:
    """The contact holding this identifier; created if none does, by ``actor`` (None: the new contact
    itself, a widget visitor arriving). Concurrent first messages from one number race on the unique
    constraint: ON CONFLICT DO NOTHING and a re-read settle it."""
    column = getattr(Contact, field)
    found = session.execute(select(Contact).where(column == value)).scalar_one_or_none()
    if found is not None:
        return found, False
    now = datetime.now(UTC)
    new_id = uuid.uuid4()
    # The new row comes back from the insert itself; only the loser of a race reads the winner's.
    inserted = session.execute(
        select(Contact).from_statement(
            insert(Contact)
            .values(tenant_id=tenant_id, id=new_id, name=name[:200], created_at=now, updated_at=now, **{field: value})
            .on_conflict_do_nothing()
            .returning(Contact)
        )
    ).scalar_one_or_none()
    contact = inserted if inserted is not None else session.execute(select(Contact).where(column == value)).scalar_one()
    if inserted is not None:
        record_channel_contact_created(session, actor or Principal.contact(tenant_id, contact.id), contact.id, field)
    return contact, inserted is not None


def record_channel_contact_created(
    session: Session, actor: Principal, contact_id: UUID, field: IdentifierField
) -> None:
    """The audit event of a contact a channel created from the identifier it verified, whether the ORM or the
    inbound store function (ADR 0051) wrote its row."""
    record(session, actor, AuditAction.CONTACT_CREATED, resource_type="contact", resource_id=contact_id,
           details={"identifiers": [field], "source": "channel"})


def state_visitor_details(
    session: Session, actor: Principal, contact_id: UUID, *, name: str, phone: str | None, email: str | None
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
            session, actor, AuditAction.CONTACT_UPDATED, resource_type="contact", resource_id=contact.id,
            details={"fields": changed, "source": "widget"},
        )
    return contact
