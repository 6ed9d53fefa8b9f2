"""HTTP for reading the audit log: owners and auditors only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.audit import repository
from engium.audit.actions import AuditAction
from engium.audit.export import iter_export_lines
from engium.audit.personal import reveal
from engium.audit.recorder import record
from engium.audit.schemas import AuditEventOut, AuditEventPage, PersonalValuesOut
from engium.audit.signing import export_public_keys
from engium.errors import BadRequest
from engium.kit.app_state import runtime_of
from engium.kit.pagination import MAX_LIMIT
from engium.kit.request_fields import IsoDatetime
from engium.kit.transaction import DbSession
from engium.tenancy.binding import tenant_transaction

router = APIRouter(tags=["audit"])

AuditRead = Annotated[Principal, Requires(Permission.AUDIT_READ)]


# The sequence number of the last event shown (per tenant, from 1, a bigint): any text of this shape is a
# position in the log (ADR 0020).
CURSOR_PATTERN = r"^[1-9][0-9]{0,17}$"
_CURSOR = re.compile(CURSOR_PATTERN)


def _encode(seq: int) -> str:
    return str(seq)


def _decode(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not _CURSOR.fullmatch(cursor):
        raise BadRequest("Invalid cursor")
    return int(cursor)


@router.get(
    "/audit-events/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}}, "description": "JSON Lines export"}},
)
def export_audit_events(request: Request, principal: AuditRead, session: DbSession) -> StreamingResponse:
    """The whole chain with its signed checkpoints and the public keys: verify it offline with
    `engium audit verify-export FILE` or the algorithm in docs/audit.md."""
    runtime = runtime_of(request)
    public_keys = export_public_keys(runtime.settings)
    # Recorded in the request's transaction, which commits before the first line is sent.
    record(session, principal, AuditAction.AUDIT_EXPORTED, resource_type="audit_log", resource_id=principal.tenant_id)

    def lines() -> Iterator[str]:
        # Its own transaction: the request's session is closed once this response starts streaming.
        with tenant_transaction(runtime.database, principal.tenant_id) as export_session:
            yield from iter_export_lines(export_session, principal.tenant_id, public_keys)

    filename = f"engium-audit-{principal.tenant_id}.jsonl"
    return StreamingResponse(
        lines(),
        media_type="application/x-ndjson",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/audit-events", response_model=AuditEventPage)
def list_audit_events(
    principal: AuditRead,
    session: DbSession,
    action: Annotated[str | None, Query(max_length=100)] = None,
    actor_kind: Annotated[str | None, Query(max_length=20)] = None,
    actor_id: Annotated[str | None, Query(max_length=100)] = None,
    resource_type: Annotated[str | None, Query(max_length=50)] = None,
    resource_id: Annotated[str | None, Query(max_length=200)] = None,
    outcome: Annotated[str | None, Query(pattern="^(success|denied|failed)$")] = None,
    since: Annotated[IsoDatetime | None, Query(description="Inclusive")] = None,
    until: Annotated[IsoDatetime | None, Query(description="Exclusive")] = None,
    cursor: Annotated[
        str | None,
        # Declared, not enforced by the framework: text of another shape gets _decode's 400.
        Query(description="next_cursor of the previous page", json_schema_extra={"pattern": CURSOR_PATTERN}),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> AuditEventPage:
    """Newest first. Filters combine with AND."""
    where = repository.AuditFilter(action, actor_kind, actor_id, resource_type, resource_id, outcome, since, until)
    rows = repository.list_events(session, where, before_seq=_decode(cursor), limit=limit)
    items = rows[:limit]
    next_cursor = _encode(items[-1].seq) if len(rows) > limit else None
    return AuditEventPage(items=[_with_personal(session, principal, r) for r in items], next_cursor=next_cursor)


def _with_personal(session: Session, principal: Principal, row: Any) -> AuditEventOut:
    event = AuditEventOut.model_validate(row)
    opened = reveal(session, principal.tenant_id, event.details)
    if opened.state != "none":
        event.personal = PersonalValuesOut(state=opened.state, values=opened.values,
                                           erased_fields=list(opened.erased_fields))
    return event
