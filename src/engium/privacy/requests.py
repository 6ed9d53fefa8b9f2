"""Data-subject requests and their legal clocks (GDPR Art. 12(3); CCPA 1798.130, 7021 CCR).

A request filed by staff starts its clock when received: the business has verified the person itself. One
a customer files from the chat widget starts it when they proved control of their number with a one-time
code (privacy/challenges.py, ADR 0031).
The deadline depends on the regime: GDPR one month (counted as 30 days), extendable once by two more
months when the request is complex; CCPA 45 days, extendable once by 45; a CCPA opt-out of sale or
sharing 15 business days (counted as 21 calendar days). Every step is audited with ids, kinds and dates;
the reasons staff type stay in the request row, never in the append-only log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.conversations.contacts import contact_by_id
from engium.errors import Conflict, NotFound
from engium.privacy.models import PrivacyRequest
from engium.privacy.policy import current_policy

RequestKind = Literal["access", "export", "erasure", "rectification", "opt_out"]
Regime = Literal["gdpr", "ccpa"]
CLOSED = frozenset({"completed", "refused"})


@dataclass(frozen=True)
class Clock:
    days: int
    extension_days: int


CLOCKS: dict[tuple[Regime, bool], Clock] = {
    ("gdpr", False): Clock(30, 60),
    ("gdpr", True): Clock(30, 60),
    ("ccpa", False): Clock(45, 45),
    # 15 business days for an opt-out of sale or sharing; no extension.
    ("ccpa", True): Clock(21, 0),
}


def clock_for(regime: Regime, kind: RequestKind) -> Clock:
    return CLOCKS[(regime, kind == "opt_out")]


def _now() -> datetime:
    return datetime.now(UTC)


def _details(request: PrivacyRequest, **more: Any) -> dict[str, Any]:
    return {"kind": request.kind, "regime": request.regime, "contact_id": request.contact_id,
            "status": request.status, "deadline": request.deadline, **more}


def file_request(session: Session, principal: Principal, kind: RequestKind, contact_id: UUID,
                 regime: Regime | None = None) -> PrivacyRequest:
    """Staff log a request from a person they have identified; the clock starts now."""
    now = _now()
    return _file(session, principal, kind, contact_id, regime, source="staff", received_at=now, verified_at=now)


def file_verified_request(session: Session, principal: Principal, kind: RequestKind, contact_id: UUID, *,
                          received_at: datetime, verified_at: datetime, payload: str | None,
                          evidence: dict[str, Any]) -> PrivacyRequest:
    """A request the person filed themselves (the chat widget) and proved with a one-time code: received
    when they asked, its clock started when they proved control of the number (GDPR Art. 12(6): the
    business may first confirm who asks). ``payload`` is what they supplied, sealed under their key;
    ``evidence`` (ids and kinds only) goes into the audit event."""
    return _file(session, principal, kind, contact_id, None, source="widget", received_at=received_at,
                 verified_at=verified_at, payload=payload, evidence=evidence)


def _file(session: Session, principal: Principal, kind: RequestKind, contact_id: UUID, regime: Regime | None, *,
          source: Literal["staff", "widget"], received_at: datetime, verified_at: datetime,
          payload: str | None = None, evidence: dict[str, Any] | None = None) -> PrivacyRequest:
    if contact_by_id(session, contact_id) is None:
        raise NotFound("contact not found")
    chosen: Regime = regime or current_policy(session).regime
    now = _now()
    request = PrivacyRequest(
        tenant_id=principal.tenant_id, id=uuid.uuid4(), kind=kind, status="open", regime=chosen, source=source,
        contact_id=contact_id, received_at=received_at, clock_started_at=verified_at,
        due_at=verified_at + timedelta(days=clock_for(chosen, kind).days), outcome={}, payload=payload,
        logged_by=principal.actor_id, created_at=now, updated_at=now,
    )
    session.add(request)
    session.flush()
    audit.record(session, principal, AuditAction.PRIVACY_REQUEST_RECEIVED, resource_type="privacy_request",
                 resource_id=request.id, details=_details(request, source=source, **(evidence or {})))
    return request


def get_request(session: Session, request_id: UUID, *, for_update: bool = False) -> PrivacyRequest:
    query = select(PrivacyRequest).where(PrivacyRequest.id == request_id)
    found = session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()
    if found is None:
        raise NotFound("request not found")
    return found


def list_requests(session: Session, *, open_only: bool = False) -> list[PrivacyRequest]:
    """Open requests first, nearest deadline first; then closed ones, newest first."""
    query = select(PrivacyRequest)
    if open_only:
        query = query.where(PrivacyRequest.status.not_in(CLOSED))
    rows = list(session.execute(query.limit(500)).scalars())
    open_ = sorted((r for r in rows if r.status not in CLOSED), key=lambda r: (r.deadline or r.received_at, r.id))
    closed = sorted((r for r in rows if r.status in CLOSED), key=lambda r: r.completed_at or r.received_at,
                    reverse=True)
    return open_ + closed


def _open(session: Session, request_id: UUID) -> PrivacyRequest:
    request = get_request(session, request_id, for_update=True)
    if request.status in CLOSED:
        raise Conflict(f"the request is already {request.status}")
    return request


def extend(session: Session, principal: Principal, request_id: UUID, reason: str) -> PrivacyRequest:
    """Extends the clock once, by what the regime allows; the reason is kept with the request."""
    request = _open(session, request_id)
    clock = clock_for(request.regime, request.kind)  # type: ignore[arg-type]
    if request.extended_until is not None:
        raise Conflict("the deadline was already extended; the law allows one extension")
    if clock.extension_days == 0 or request.due_at is None:
        raise Conflict("this kind of request cannot be extended")
    request.extended_until = request.due_at + timedelta(days=clock.extension_days)
    request.extension_reason = reason
    request.updated_at = _now()
    audit.record(session, principal, AuditAction.PRIVACY_REQUEST_EXTENDED, resource_type="privacy_request",
                 resource_id=request.id, details=_details(request))
    return request


def refuse(session: Session, principal: Principal, request_id: UUID, reason: str) -> PrivacyRequest:
    request = _open(session, request_id)
    request.status, request.refusal_reason = "refused", reason
    request.completed_at = request.updated_at = _now()
    audit.record(session, principal, AuditAction.PRIVACY_REQUEST_REFUSED, resource_type="privacy_request",
                 resource_id=request.id, details=_details(request))
    return request


def open_for(session: Session, request_id: UUID, kinds: frozenset[str]) -> PrivacyRequest:
    """The open request, locked, checked to be one of ``kinds`` (what the caller is about to fulfil)."""
    request = _open(session, request_id)
    if request.kind not in kinds:
        raise Conflict(f"a {request.kind} request cannot be fulfilled this way")
    return request


def complete(session: Session, principal: Principal, request: PrivacyRequest, outcome: dict[str, Any]) -> None:
    request.status, request.outcome = "completed", outcome
    request.completed_at = request.updated_at = _now()
    audit.record(session, principal, AuditAction.PRIVACY_REQUEST_COMPLETED, resource_type="privacy_request",
                 resource_id=request.id, details=_details(request, outcome=outcome))


def record_overdue(session: Session, principal: Principal, now: datetime | None = None) -> int:
    """Marks the bound tenant's open requests whose deadline has passed, once each, with an audit event:
    the log then shows when the business missed a legal deadline, not only that it did."""
    moment = now or _now()
    late = [r for r in session.execute(
        select(PrivacyRequest).where(PrivacyRequest.status.not_in(CLOSED), PrivacyRequest.overdue_recorded_at.is_(None))
        .with_for_update(skip_locked=True)
    ).scalars() if r.deadline is not None and r.deadline < moment]
    for request in late:
        request.overdue_recorded_at = moment
        audit.record(session, principal, AuditAction.PRIVACY_REQUEST_OVERDUE, resource_type="privacy_request",
                     resource_id=request.id, details=_details(request))
    return len(late)
