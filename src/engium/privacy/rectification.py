"""Carrying out a rectification request (GDPR Art. 16): the person's corrected details, applied through the
contacts service (the same validation, uniqueness and audit as any contact edit), and the request closed
with the names of the fields corrected. The corrected values themselves are not copied into the request:
they live in the contact, where export and erasure reach them."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.conversations import contacts
from engium.conversations.schemas import ContactUpdate
from engium.errors import NotFound, Unprocessable
from engium.privacy import requests
from engium.privacy.models import PrivacyRequest


def fulfil_rectification(session: Session, principal: Principal, request_id: UUID,
                         changes: ContactUpdate) -> PrivacyRequest:
    fields = sorted(changes.model_fields_set)
    if not fields:
        raise Unprocessable("give at least one corrected field: name, email, phone or widget_id")
    request = requests.open_for(session, request_id, frozenset({"rectification"}))
    if request.contact_id is None:
        raise NotFound("the request names no contact")
    contacts.update_contact(session, principal, request.contact_id, changes)
    requests.complete(session, principal, request, {"fields": fields})
    return request
