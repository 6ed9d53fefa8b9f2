"""Opening hours as customers should read them: the settings' weekly hours, the staff who can serve
them, and the closures that override both (ADR 0036).

Opening hours that no staff member covers are accepted, with a warning (``warnings``): the business may
be open for walk-ins or retail, and staff hours are edited separately, so refusing would make the order of
two edits matter. What nobody can serve is never promised as bookable: the answers say the appointment
hours too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engium.bookings import closures
from engium.bookings.closure_rules import ClosureRule, Spans, coverage_gaps, intersect, occurrences
from engium.bookings.opening_hours import Hours, settings_hours, staff_hours
from engium.tenancy.service import get_settings


@dataclass(frozen=True)
class WeekHours:
    declared: Hours  # weekday -> open spans, from settings (staff hours when settings list none)
    staffed: Hours  # weekday -> when at least one active staff member works
    from_settings: bool

    def appointments(self, weekday: int) -> Spans:
        return intersect(self.declared.get(weekday) or [], self.staffed.get(weekday) or [])


@dataclass(frozen=True)
class DayHours:
    day: date
    closure: ClosureRule | None
    listed: bool  # False: the weekly hours say nothing about this weekday
    hours: Spans
    appointments: Spans

    @property
    def open(self) -> bool:
        return bool(self.hours)


def week_hours(session: Session, opening_hours: dict[str, Any] | None = None) -> WeekHours:
    declared = settings_hours(get_settings(session).opening_hours if opening_hours is None else opening_hours)
    staffed = staff_hours(session)
    if declared:
        return WeekHours(declared, staffed, True)
    return WeekHours(staffed, staffed, False)


def warnings(session: Session, opening_hours: dict[str, Any] | None = None) -> list[str]:
    """One sentence per weekday whose opening hours include times at which no active staff member works."""
    week = week_hours(session, opening_hours)
    if not week.from_settings:
        return []
    return [gap.message for gap in coverage_gaps(week.declared, week.staffed)]


def day_hours(session: Session, day: date, week: WeekHours | None = None) -> DayHours:
    """A local date's hours: the closure that decides it first, then the weekly hours for its weekday."""
    week = week or week_hours(session)
    closure = closures.closure_on(session, day)
    staffed = week.staffed.get(day.weekday()) or []
    if closure is not None:
        if closure.opens is None or closure.closes is None:
            return DayHours(day, closure, True, [], [])
        special = [(closure.opens, closure.closes)]
        return DayHours(day, closure, True, special, intersect(special, staffed))
    listed = day.weekday() in week.declared
    spans = week.declared.get(day.weekday()) or []
    return DayHours(day, None, listed, spans, intersect(spans, staffed))


def closure_overrides(session: Session, first: date, days: int) -> dict[date, Spans]:
    """The local dates in [first, first + days) that a closure decides, with their hours (empty: closed)."""
    rules = closures.rules_between(session, first, first + timedelta(days=days - 1))
    return {
        day: [] if rule.opens is None or rule.closes is None else [(rule.opens, rule.closes)]
        for day, rule in occurrences(rules, first, days)
    }
