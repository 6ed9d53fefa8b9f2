"""Contact merge: two records of one person become one (ADR 0039).

Everything the personal-data map links to a contact by its id (a ``contact_id`` or ``requested_by``
reference: conversations with their messages, bookings, consents, widget sessions, e-mails, privacy requests
and exports, subject keys) moves to the contact that remains, which keeps its own details and takes over
only the identifiers and details it lacked; then the merged contact is deleted. The stores come from the
data map itself, so a store added later with a contact reference is moved too
(tests/privacy/test_contact_merge.py checks the catalog's foreign keys against the list).

Subject keys move rather than being destroyed: the audit events about the merged contact stay readable, and
a later erasure of the remaining contact (which destroys the keys by ``contact_id``) reaches them.

One transaction: the moves, the deletion and the ``contact.merged`` audit event commit together or not at
all. Both contacts are locked first; another tenant's contact is not visible under RLS, so merging into it
is 404 like any other unknown id.
"""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations.contacts import CONTACT_NOT_FOUND, absorb_contact, lock_contacts
from engium.errors import Conflict, NotFound
from engium.privacy.data_map import Category, customer_stores

# The columns that hold a contact's id as a reference to it.
CONTACT_REFERENCES = frozenset({"contact_id", "requested_by"})


def moved_columns() -> list[tuple[str, str]]:
    """(table, column) of every customer store in the data map that references a contact by id."""
    return [
        (store.table, field.column)
        for store in customer_stores()
        if store.table != "contacts"
        for field in store.personal
        if field.column in CONTACT_REFERENCES and field.category is Category.REFERENCE
    ]


def merge_contacts(session: Session, principal: Principal, merged_id: UUID, survivor_id: UUID) -> dict[str, object]:
    """Moves ``merged_id``'s rows to ``survivor_id`` and deletes ``merged_id``; returns what was done."""
    found = lock_contacts(session, [merged_id, survivor_id])
    if merged_id not in found:
        raise NotFound(CONTACT_NOT_FOUND)
    if survivor_id not in found:
        raise NotFound("The contact to merge into was not found", details={"field": "into_contact_id"})
    # Checked after the lookup, so another tenant's id is 404 whichever way it is given.
    if merged_id == survivor_id:
        raise Conflict("A contact cannot be merged into itself", details={"field": "into_contact_id"})
    merged, survivor = found[merged_id], found[survivor_id]
    moved: dict[str, int] = {}
    for table, column in moved_columns():
        # Table and column names come from the data map, never from a request; the ids are bound.
        result = session.execute(
            text(f"update {table} set {column} = :survivor where {column} = :merged"),
            {"survivor": survivor_id, "merged": merged_id},
        )
        count = int(getattr(result, "rowcount", 0) or 0)
        if count:
            moved[table] = moved.get(table, 0) + count
    session.expire_all()  # the ORM's view of moved rows (a conversation's contact) is stale now
    taken = absorb_contact(session, found[survivor_id], merged)
    record(
        session, principal, AuditAction.CONTACT_MERGED, resource_type="contact", resource_id=survivor_id,
        details={"merged_contact_id": str(merged_id), "moved": moved, "identifiers_taken": taken},
    )
    return {"contact_id": survivor.id, "merged_contact_id": merged_id, "moved": moved, "identifiers_taken": taken}
