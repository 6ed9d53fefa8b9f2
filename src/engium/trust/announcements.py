"""Operator announcements of new operator-level subprocessors, and the tenants' objections to them.

An announcement takes effect no sooner than the notice period (``ENGIUM_SUBPROCESSOR_NOTICE_DAYS``, 30 by
default) after it is made, so that each business can object before its customers' data reaches the new
party (GDPR Art. 28(2)). Until then it shows as "upcoming" on every tenant's register and feed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.permissions import Role
from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.errors import Conflict, Forbidden, NotFound, Unprocessable
from engium.trust.models import SubprocessorAnnouncement, SubprocessorObjection
from engium.trust.settings import OperatorSubprocessor


class TooSoon(ValueError):
    """The effective date leaves tenants less than the notice period to object."""


def announce(session: Session, subprocessor: OperatorSubprocessor, effective_on: date, *, notice_days: int,
             operator: str, today: date | None = None) -> SubprocessorAnnouncement:
    """Records the announcement (operator-level: no tenant is bound) in the platform's audit chain."""
    earliest = (today or datetime.now(UTC).date()) + timedelta(days=notice_days)
    if effective_on < earliest:
        raise TooSoon(f"the effective date must be at least {notice_days} days ahead: {earliest.isoformat()} or "
                      "later, so that businesses can object")
    row = SubprocessorAnnouncement(
        id=uuid.uuid4(), name=subprocessor.name, purpose=subprocessor.purpose, location=subprocessor.location,
        data_categories=list(subprocessor.data_categories), effective_on=effective_on,
        announced_at=datetime.now(UTC), announced_by=operator,
    )
    session.add(row)
    session.flush()
    audit.record(session, None, AuditAction.SUBPROCESSOR_ANNOUNCED, resource_type="subprocessor_announcement",
                 resource_id=row.id, actor=(ActorKind.OPERATOR, operator),
                 details={"name": row.name, "effective_on": effective_on.isoformat()})
    return row


def object_to(session: Session, principal: Principal, announcement_id: UUID, reason: str,
              *, today: date | None = None) -> SubprocessorObjection:
    """An owner's objection to an upcoming announcement, once per announcement, audited."""
    if principal.role is not Role.OWNER:
        raise Forbidden("only the business's owner can object to a subprocessor")
    announcement = session.get(SubprocessorAnnouncement, announcement_id)
    if announcement is None:
        raise NotFound("announcement not found")
    if announcement.effective_on <= (today or datetime.now(UTC).date()):
        raise Unprocessable("this subprocessor is already in effect; objections close on its effective date")
    if session.get(SubprocessorObjection, (principal.tenant_id, announcement_id)) is not None:
        raise Conflict("this business has already objected to this subprocessor")
    row = SubprocessorObjection(tenant_id=principal.tenant_id, announcement_id=announcement_id,
                                objected_by=principal.user_id or principal.id, reason=reason,
                                objected_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    audit.record(session, principal, AuditAction.SUBPROCESSOR_OBJECTED, resource_type="subprocessor_announcement",
                 resource_id=announcement_id, details={"name": announcement.name})
    return row


def objections_of_tenant(session: Session) -> list[SubprocessorObjection]:
    return list(session.execute(select(SubprocessorObjection).order_by(SubprocessorObjection.objected_at)).scalars())


@dataclass(frozen=True)
class ObjectionView:
    tenant_id: UUID
    announcement: str
    effective_on: date
    objected_at: datetime
    reason: str


def describe(objections: Sequence[SubprocessorObjection],
             announced: dict[UUID, SubprocessorAnnouncement]) -> list[ObjectionView]:
    return [ObjectionView(o.tenant_id, announced[o.announcement_id].name, announced[o.announcement_id].effective_on,
                          o.objected_at, o.reason) for o in objections if o.announcement_id in announced]
