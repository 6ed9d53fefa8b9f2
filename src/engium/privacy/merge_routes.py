"""HTTP for merging two contacts of one business (privacy/contact_merge.py)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.conversations.inbox_schemas import ContactMergeOut, ContactMergeRequest
from engium.kit.transaction import DbSession
from engium.privacy.contact_merge import merge_contacts

router = APIRouter()

ContactsWrite = Annotated[Principal, Requires(Permission.CONTACTS_WRITE)]


@router.post(
    "/contacts/{contact_id:uuid}/merge", response_model=ContactMergeOut, tags=["contacts"],
    responses={409: {"description": "The contact named in the body is this one"}},
)
def merge_contact(
    contact_id: UUID, body: ContactMergeRequest, principal: ContactsWrite, session: DbSession
) -> ContactMergeOut:
    """Merges this contact into ``into_contact_id``: its conversations, bookings, consents and other linked rows
    move there, the remaining contact keeps its own details, and this one is deleted."""
    return ContactMergeOut.model_validate(merge_contacts(session, principal, contact_id, body.into_contact_id))
