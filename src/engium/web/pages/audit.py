"""The audit log: filtered events, the chain's verification state, and the export download.

Owners and auditors only (``audit:read``), as ``/api/v1/audit-events``. The page shows the latest signed
checkpoint at once (its signature checked against the server's key); "Verify the chain" recomputes the
business's whole chain and checks every checkpoint and its anchor (``audit.verify.verify_bound_tenant``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.audit import repository
from engium.audit.actions import ActorKind, AuditAction
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.export import iter_export_lines
from engium.audit.recorder import record
from engium.audit.signing import export_public_keys, verifier_keys
from engium.audit.verify import TenantReport, verify_bound_tenant
from engium.bookings.service import tenant_zone
from engium.kit.transaction import DbSession
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.web.members import Member, viewer
from engium.web.page_route import PageRoute
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Auditor = Annotated[Member, viewer(Permission.AUDIT_READ)]
PAGE_SIZE = 50
OUTCOMES = ("success", "denied", "failed")


def _since(value: str | None, session: Session, *, end_of_day: bool = False) -> datetime | None:
    """A date from the filter form, as the start (or end) of that day in the business's zone."""
    if not value:
        return None
    try:
        day = datetime.fromisoformat(value).date()
    except ValueError:
        return None
    moment = datetime.combine(day, time.max if end_of_day else time.min, tenant_zone(session))
    return moment


def _chain_state(request: Request, session: Session, member: Member, *, full: bool) -> dict[str, Any]:
    settings = Runtime.of(request).settings
    keys = verifier_keys(settings)
    last_seq, checkpoint = repository.chain_position(session)
    state: dict[str, Any] = {"last_seq": last_seq, "checkpoint": checkpoint, "report": None,
                             "signature_problem": keys.problem(checkpoint) if checkpoint else None}
    if full:
        report: TenantReport = verify_bound_tenant(session, member.principal.tenant_id, keys,
                                                   DirectoryAnchorStore(anchor_dir(settings)))
        state["report"] = report
    return state


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    member: Auditor,
    session: DbSession,
    action: Annotated[str | None, Query(max_length=100)] = None,
    actor_kind: Annotated[str | None, Query(max_length=20)] = None,
    outcome: Annotated[str | None, Query(max_length=20)] = None,
    resource_type: Annotated[str | None, Query(max_length=50)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    verify: Annotated[bool, Query()] = False,
) -> Response:
    where = repository.AuditFilter(
        action=action or None, actor_kind=actor_kind or None, resource_type=resource_type or None,
        outcome=outcome if outcome in OUTCOMES else None, since=_since(since, session),
        until=_since(until, session, end_of_day=True),
    )
    rows = repository.list_events(session, where, before_seq=before, limit=PAGE_SIZE)
    events = rows[:PAGE_SIZE]
    filters = {"action": action or "", "actor_kind": actor_kind or "", "outcome": outcome or "",
               "resource_type": resource_type or "", "since": since or "", "until": until or ""}
    record(session, member.principal, AuditAction.AUDIT_VIEWED, resource_type="audit_log",
           resource_id=member.principal.tenant_id, details={"filters": sorted(k for k, v in filters.items() if v),
                                                            "verified": verify})
    return render(request, "audit.html", {
        "events": events, "older": events[-1].seq if len(rows) > PAGE_SIZE else None, "filters": filters,
        "actions": sorted(a.value for a in AuditAction), "actor_kinds": [k.value for k in ActorKind],
        "outcomes": OUTCOMES, "chain": _chain_state(request, session, member, full=verify),
    })


@router.get("/audit/export")
def export(request: Request, member: Auditor, session: DbSession) -> Response:
    """The same JSON Lines export as ``GET /api/v1/audit-events/export``: every event, the signed
    checkpoints and the public keys, verifiable offline with ``engium audit verify-export``."""
    runtime = Runtime.of(request)
    public_keys = export_public_keys(runtime.settings)
    tenant_id = member.principal.tenant_id
    record(session, member.principal, AuditAction.AUDIT_EXPORTED, resource_type="audit_log", resource_id=tenant_id)

    def lines() -> Iterator[str]:
        # Its own transaction: the request's has committed (with the export's event) before streaming.
        with tenant_transaction(runtime.database, tenant_id) as export_session:
            yield from iter_export_lines(export_session, tenant_id, public_keys)

    return StreamingResponse(lines(), media_type="application/x-ndjson", headers={
        "Content-Disposition": f'attachment; filename="engium-audit-{tenant_id}.jsonl"'})
