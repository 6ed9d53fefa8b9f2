"""Business-wide closures: holidays and special hours (ADR 0036).

Functions take the session and, for changes, the acting principal explicitly, and never commit. Every
change records its audit event here, in the same transaction; details hold the id, dates and field names
(a label is the business's own words for a day, such as "Christmas Day", not personal data).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings import availability as avail
from engium.bookings.catalog import check_year
from engium.bookings.closure_rules import ClosureRule, governing, span_problems
from engium.bookings.closure_schemas import ClosureCreate, ClosureUpdate
from engium.bookings.models import BusinessClosure
from engium.errors import Conflict, NotFound, Unprocessable

# One page is every closure a business could sensibly have (a list of holidays for years ahead).
MAX_CLOSURES = 500


def rule_of(row: BusinessClosure) -> ClosureRule:
    return ClosureRule(row.id, row.label, row.start_date, row.end_date, row.opens_at, row.closes_at,
                       row.repeats_yearly)


def list_closures(session: Session, *, from_date: date | None = None, to_date: date | None = None) -> list[
        BusinessClosure]:
    """Closures touching [from_date, to_date] (yearly ones always, as they come back), by start date."""
    query = select(BusinessClosure).order_by(BusinessClosure.start_date, BusinessClosure.label, BusinessClosure.id)
    if from_date is not None:
        query = query.where(or_(BusinessClosure.repeats_yearly, BusinessClosure.end_date >= from_date))
    if to_date is not None:
        query = query.where(BusinessClosure.start_date <= to_date)
    return list(session.execute(query.limit(MAX_CLOSURES)).scalars())


def rules_between(session: Session, first: date, last: date) -> list[ClosureRule]:
    return [rule_of(row) for row in list_closures(session, from_date=first, to_date=last)]


def closure_on(session: Session, day: date) -> ClosureRule | None:
    """The closure that decides this local date, or None when the weekly hours do."""
    return governing(rules_between(session, day, day), day)


def get_closure(session: Session, closure_id: UUID, *, for_update: bool = False) -> BusinessClosure:
    query = select(BusinessClosure).where(BusinessClosure.id == closure_id)
    row = session.execute(query.with_for_update() if for_update else query).scalar_one_or_none()
    if row is None:
        raise NotFound("Closure not found")
    return row


def _check(start: date, end: date, repeats_yearly: bool, row: dict[str, Any]) -> None:
    check_year(start, "start_date")
    check_year(end, "end_date")
    problems = span_problems(start, end, repeats_yearly, row.get("opens_at"), row.get("closes_at"))
    if problems:
        raise Unprocessable("; ".join(problems))


def _facts(row: BusinessClosure) -> dict[str, Any]:
    return {
        "start_date": row.start_date.isoformat(),
        "end_date": row.end_date.isoformat(),
        "closed_all_day": row.closed_all_day,
        "repeats_yearly": row.repeats_yearly,
    }


def create_closure(session: Session, principal: Principal, body: ClosureCreate) -> BusinessClosure:
    end = body.end_date or body.start_date
    values = body.model_dump()
    _check(body.start_date, end, body.repeats_yearly, values)
    if len(list_closures(session)) >= MAX_CLOSURES:
        raise Conflict(f"A business may have at most {MAX_CLOSURES} closures; delete past ones first")
    row = BusinessClosure(tenant_id=principal.tenant_id, id=uuid.uuid4(), **{**values, "end_date": end})
    session.add(row)
    session.flush()
    session.refresh(row)
    record(session, principal, AuditAction.CLOSURE_CREATED, resource_type="closure", resource_id=row.id,
           details=_facts(row))
    return row


def update_closure(session: Session, principal: Principal, closure_id: UUID, body: ClosureUpdate) -> BusinessClosure:
    row = get_closure(session, closure_id, for_update=True)
    changes = body.model_dump(exclude_unset=True)
    merged = {field: changes.get(field, getattr(row, field))
              for field in ("label", "start_date", "end_date", "opens_at", "closes_at", "repeats_yearly")}
    _check(merged["start_date"], merged["end_date"], merged["repeats_yearly"], merged)
    changed = sorted(field for field, value in merged.items() if getattr(row, field) != value)
    for field in changed:
        setattr(row, field, merged[field])
    if changed:
        row.updated_at = datetime.now(UTC)
        session.flush()
        record(session, principal, AuditAction.CLOSURE_UPDATED, resource_type="closure", resource_id=row.id,
               details={"fields": changed, **_facts(row)})
    return row


def delete_closure(session: Session, principal: Principal, closure_id: UUID) -> None:
    row = get_closure(session, closure_id, for_update=True)
    facts = _facts(row)
    session.delete(row)
    session.flush()
    record(session, principal, AuditAction.CLOSURE_DELETED, resource_type="closure", resource_id=closure_id,
           details=facts)


# --- what a closure does to slots and bookings ----------------------------------------------------


def special_window(closure: ClosureRule, day: date, zone: ZoneInfo) -> avail.Interval | None:
    """The UTC span of a day's special hours; None when the closure shuts the whole day."""
    if closure.opens is None or closure.closes is None:
        return None
    return avail.Interval(
        avail.to_instant(day, closure.opens.hour * 60 + closure.opens.minute, zone),
        avail.to_instant(day, closure.closes.hour * 60 + closure.closes.minute, zone),
    )


def clip(working: Sequence[avail.Interval], window: avail.Interval | None) -> list[avail.Interval]:
    """Working intervals cut to a special-hours window (nothing left when the day is closed)."""
    if window is None:
        return []
    clipped = [avail.Interval(max(w.start, window.start), min(w.end, window.end)) for w in working]
    return [w for w in clipped if w.start < w.end]


def describe(closure: ClosureRule, day: date) -> str:
    when = f"{day.day} {day:%B %Y}"
    if closure.opens is None or closure.closes is None:
        return f"The business is closed on {when} ({closure.label})"
    return (f"On {when} ({closure.label}) the business is open only "
            f"{closure.opens:%H:%M}-{closure.closes:%H:%M}")


def refusal(session: Session, interval: avail.Interval, zone: ZoneInfo) -> Conflict | None:
    """409 naming the closure when a booking would fall on a closed day or outside its special hours."""
    first = interval.start.astimezone(zone).date()
    last = (interval.end - timedelta(microseconds=1)).astimezone(zone).date()
    rules = rules_between(session, first, last)
    day = first
    while day <= last:
        closure = governing(rules, day)
        if closure is not None:
            window = special_window(closure, day, zone)
            if window is None or not window.contains(interval):
                details = {"closure_id": str(closure.id), "label": closure.label, "date": day.isoformat()}
                return Conflict(describe(closure, day), details=details)
        day += timedelta(days=1)
    return None
