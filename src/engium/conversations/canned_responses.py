"""Canned responses: a business's ready-made replies, which staff insert into the reply box and edit before
sending. Everyone who reads conversations may list them; changing them is a setting (owners and admins).
The audit events name ids and field names, never the text."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.conversations.inbox_schemas import CannedResponseCreate, CannedResponseUpdate
from engium.conversations.models import CannedResponse
from engium.errors import Conflict, NotFound

NOT_FOUND = "Canned response not found"
# A business keeps a short list; the reply box shows all of them.
MAX_PER_TENANT = 500
RESOURCE = "canned_response"


def list_canned_responses(session: Session) -> list[CannedResponse]:
    """The bound tenant's canned responses, by title."""
    stmt = select(CannedResponse).order_by(CannedResponse.title, CannedResponse.id).limit(MAX_PER_TENANT)
    return list(session.execute(stmt).scalars())


def get_canned_response(session: Session, canned_id: UUID) -> CannedResponse:
    found = session.execute(select(CannedResponse).where(CannedResponse.id == canned_id)).scalar_one_or_none()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def _ensure_shortcut_free(session: Session, shortcut: str | None, excluding: UUID | None = None) -> None:
    # Checked up front for a message naming the field; the unique index still decides races.
    if shortcut is None:
        return
    stmt = select(CannedResponse.id).where(CannedResponse.shortcut == shortcut)
    if excluding is not None:
        stmt = stmt.where(CannedResponse.id != excluding)
    if session.execute(stmt.limit(1)).first() is not None:
        raise Conflict(f"Another canned response already has the shortcut /{shortcut}", details={"field": "shortcut"})


def _flush(session: Session) -> None:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        raise Conflict("Another canned response already has this shortcut", details={"field": "shortcut"}) from exc


def create_canned_response(session: Session, principal: Principal, data: CannedResponseCreate) -> CannedResponse:
    count = len(session.execute(select(CannedResponse.id).limit(MAX_PER_TENANT)).all())
    if count >= MAX_PER_TENANT:
        raise Conflict(f"A business can keep at most {MAX_PER_TENANT} canned responses; delete one first")
    _ensure_shortcut_free(session, data.shortcut)
    now = datetime.now(UTC)
    canned = CannedResponse(tenant_id=principal.tenant_id, id=uuid.uuid4(), title=data.title, body=data.body,
                            shortcut=data.shortcut, created_at=now, updated_at=now)
    session.add(canned)
    _flush(session)
    record(session, principal, AuditAction.CANNED_RESPONSE_CREATED, resource_type=RESOURCE, resource_id=canned.id,
           details={"shortcut": canned.shortcut is not None})
    return canned


def update_canned_response(
    session: Session, principal: Principal, canned_id: UUID, changes: CannedResponseUpdate
) -> CannedResponse:
    canned = get_canned_response(session, canned_id)
    values = changes.model_dump(include=changes.model_fields_set)
    if "shortcut" in values:
        _ensure_shortcut_free(session, values["shortcut"], excluding=canned.id)
    changed = sorted(field for field, value in values.items() if getattr(canned, field) != value)
    if not changed:
        return canned
    for field in changed:
        setattr(canned, field, values[field])
    canned.updated_at = datetime.now(UTC)
    _flush(session)
    record(session, principal, AuditAction.CANNED_RESPONSE_UPDATED, resource_type=RESOURCE, resource_id=canned.id,
           details={"fields": changed})
    return canned


def delete_canned_response(session: Session, principal: Principal, canned_id: UUID) -> None:
    get_canned_response(session, canned_id)
    session.execute(delete(CannedResponse).where(CannedResponse.id == canned_id))
    record(session, principal, AuditAction.CANNED_RESPONSE_DELETED, resource_type=RESOURCE, resource_id=canned_id)
