"""The subprocessor register: each tenant's dated history of changes and its effective list.

The tenant level changes only through :func:`on_integration_change`, which the integrations service calls
(through the hook installed by the composition root) in the transaction that enables or disables an
integration: the register, its audit event and the signed ``subprocessors.changed`` webhook commit together
with the change or not at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.integrations import service as integrations
from engium.integrations.register_hook import IntegrationChange
from engium.trust.catalog import INTEGRATION_PROCESSORS, Processor, RemoteModels, model_processors
from engium.trust.models import SubprocessorAnnouncement, SubprocessorChange
from engium.trust.settings import OperatorSubprocessor
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EventType

EVENT: EventType = "subprocessors.changed"


def register_path(public_id: str) -> str:
    return f"/trust/{public_id}/subprocessors"


@dataclass(frozen=True)
class Entry:
    """One subprocessor on the register."""

    key: str
    name: str
    purpose: str
    location: str
    data_categories: tuple[str, ...]
    level: str  # operator | tenant
    since: date | None  # None: since this deployment began (a declared subprocessor with no date)
    effective_on: date | None = None  # announced ones: when they take effect
    announcement_id: UUID | None = None


@dataclass(frozen=True)
class HistoryEntry:
    occurred_at: datetime
    change: str  # added | removed | announced
    name: str
    level: str
    reason: str
    ref: str  # stable and unique: the Atom entry's id


@dataclass(frozen=True)
class Register:
    current: list[Entry]
    upcoming: list[Entry]
    history: list[HistoryEntry]
    generated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def updated_at(self) -> datetime | None:
        return max((h.occurred_at for h in self.history), default=None)


@dataclass(frozen=True)
class OperatorConfig:
    """What the operator declared and configured (from Settings; the register never reads the environment)."""

    subprocessors: Sequence[OperatorSubprocessor]
    models: RemoteModels


def _changes(session: Session) -> list[SubprocessorChange]:
    query = select(SubprocessorChange).order_by(SubprocessorChange.occurred_at, SubprocessorChange.id)
    return list(session.execute(query).scalars())


def _tenant_current(changes: Sequence[SubprocessorChange]) -> dict[str, SubprocessorChange]:
    latest: dict[str, SubprocessorChange] = {}
    for change in changes:
        latest[change.subprocessor_key] = change
    return {key: c for key, c in latest.items() if c.change == "added"}


def announcements(session: Session) -> list[SubprocessorAnnouncement]:
    query = select(SubprocessorAnnouncement).order_by(SubprocessorAnnouncement.effective_on,
                                                      SubprocessorAnnouncement.announced_at)
    return list(session.execute(query).scalars())


def _announced_entry(a: SubprocessorAnnouncement) -> Entry:
    return Entry(f"announced:{a.id}", a.name, a.purpose, a.location, tuple(a.data_categories), "operator",
                 a.effective_on, a.effective_on, a.id)


def effective_register(session: Session, operator: OperatorConfig, *, today: date | None = None) -> Register:
    """The bound tenant's register: the operator's subprocessors, then the tenant's, with the history."""
    day = today or datetime.now(UTC).date()
    current = [Entry(f"operator:{s.name}", s.name, s.purpose, s.location, s.data_categories, "operator", s.since)
               for s in operator.subprocessors]
    current += [Entry(p.key, p.name, p.purpose, p.location, p.data_categories, "operator", None)
                for p in model_processors(operator.models)]
    upcoming: list[Entry] = []
    history: list[HistoryEntry] = []
    for a in announcements(session):
        entry = _announced_entry(a)
        (current if a.effective_on <= day else upcoming).append(entry)
        history.append(HistoryEntry(a.announced_at, "announced", a.name, "operator",
                                    f"announced to take effect on {a.effective_on.isoformat()}",
                                    f"announcement:{a.id}"))
        if a.effective_on <= day:
            effective = datetime(a.effective_on.year, a.effective_on.month, a.effective_on.day, tzinfo=UTC)
            history.append(HistoryEntry(effective, "added", a.name, "operator", "announced subprocessor took effect",
                                    f"effective:{a.id}"))
    changes = _changes(session)
    current += [Entry(c.subprocessor_key, c.name, c.purpose, c.location, tuple(c.data_categories), "tenant",
                      c.occurred_at.date()) for c in _tenant_current(changes).values()]
    history += [HistoryEntry(c.occurred_at, c.change, c.name, "tenant", c.reason, f"change:{c.id}") for c in changes]
    history.sort(key=lambda h: h.occurred_at, reverse=True)
    return Register(current=current, upcoming=upcoming, history=history)


def _write(session: Session, principal: Principal, tenant_id: UUID, processor: Processor, change: str,
           reason: str) -> SubprocessorChange:
    row = SubprocessorChange(
        tenant_id=tenant_id, id=uuid.uuid4(), occurred_at=datetime.now(UTC), change=change,
        subprocessor_key=processor.key, name=processor.name, purpose=processor.purpose, location=processor.location,
        data_categories=list(processor.data_categories), reason=reason,
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, AuditAction.SUBPROCESSOR_REGISTER_CHANGED, resource_type="subprocessor",
                 resource_id=processor.key, tenant_id=tenant_id,
                 details={"change": change, "name": processor.name, "reason": reason})
    webhooks.emit(session, tenant_id, EVENT, {
        "change": change, "subprocessor": processor.key, "name": processor.name, "location": processor.location,
        "data_categories": list(processor.data_categories), "occurred_at": row.occurred_at,
    })
    return row


def on_integration_change(session: Session, principal: Principal, tenant_id: UUID, kind: str,
                          change: IntegrationChange) -> None:
    """The register hook (integrations/register_hook.py): one dated entry when a kind of integration that
    reaches a third party is first enabled, and one when its last credential is removed."""
    processor = INTEGRATION_PROCESSORS.get(kind)
    if processor is None:
        return
    listed = processor.key in _tenant_current(_changes(session))
    if change is IntegrationChange.ENABLED and not listed:
        _write(session, principal, tenant_id, processor, "added", f"{kind} integration enabled")
    elif change is IntegrationChange.DISABLED and listed and not integrations.kind_in_use(session, kind):
        _write(session, principal, tenant_id, processor, "removed",
               f"{kind} integration disabled (its last credential removed)")
