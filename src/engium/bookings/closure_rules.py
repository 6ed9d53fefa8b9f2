"""Pure rules for business-wide closures and for opening hours that staff can serve (ADR 0036).

No database and no clock: callers pass the day, the closures and the hours, so every rule is unit-testable.
Hours are wall-clock minutes after local midnight, as in availability.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from uuid import UUID

from engium.bookings.availability import merge_spans

# A one-off closure may cover a year (a long refit); a yearly one must end before it comes back.
MAX_SPAN_DAYS = 366
MAX_YEARLY_SPAN_DAYS = 364
Spans = list[tuple[time, time]]
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class ClosureRule:
    id: UUID
    label: str
    start: date
    end: date
    opens: time | None = None
    closes: time | None = None
    repeats_yearly: bool = False

    @property
    def closed_all_day(self) -> bool:
        return self.opens is None or self.closes is None

    def covers(self, day: date) -> bool:
        if not self.repeats_yearly:
            return self.start <= day <= self.end
        # The occurrence that starts this year or (for a range across New Year) last year.
        for year in (day.year, day.year - 1):
            if year < self.start.year:
                continue
            first = _same_day_in(self.start, year)
            if first <= day <= first + (self.end - self.start):
                return True
        return False


def _same_day_in(moment: date, year: int) -> date:
    """The same calendar day in ``year``; 29 February becomes the 28th in a common year."""
    try:
        return moment.replace(year=year)
    except ValueError:
        return moment.replace(year=year, day=28)


def span_problems(start: date, end: date, repeats_yearly: bool, opens: time | None, closes: time | None) -> list[str]:
    """Why these dates and times cannot be a closure, as sentences (empty when they can)."""
    problems: list[str] = []
    if end < start:
        problems.append(f"end_date {end.isoformat()} is before start_date {start.isoformat()}")
    elif (end - start).days > MAX_SPAN_DAYS:
        problems.append(f"end_date may be at most {MAX_SPAN_DAYS} days after start_date; split a longer closure")
    elif repeats_yearly and (end - start).days > MAX_YEARLY_SPAN_DAYS:
        problems.append("a closure that repeats yearly must end before it starts again a year later")
    if (opens is None) != (closes is None):
        problems.append("give both opens_at and closes_at for special hours, or neither to close all day")
    elif opens is not None and closes is not None and closes <= opens:
        problems.append(f"closes_at {closes:%H:%M} must be after opens_at {opens:%H:%M}")
    return problems


def governing(closures: Iterable[ClosureRule], day: date) -> ClosureRule | None:
    """The closure that decides ``day``: a whole-day closure beats special hours, then the shortest
    (most specific) range wins, so a Christmas Eve special inside a December refit range still counts."""
    covering = [c for c in closures if c.covers(day)]
    if not covering:
        return None
    return min(covering, key=lambda c: (not c.closed_all_day, (c.end - c.start).days, c.label, str(c.id)))


def occurrences(closures: Iterable[ClosureRule], first: date, days: int) -> list[tuple[date, ClosureRule]]:
    """Each day in [first, first + days) that a closure decides, with that closure."""
    listed = list(closures)
    found: list[tuple[date, ClosureRule]] = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        closure = governing(listed, day)
        if closure is not None:
            found.append((day, closure))
    return found


# --- opening hours against staff hours ------------------------------------------------------------


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60) if minutes < 24 * 60 else time(23, 59)


def intersect(declared: Sequence[tuple[time, time]], staffed: Sequence[tuple[time, time]]) -> Spans:
    """The times that are both open and staffed: when an appointment can actually be served."""
    result: list[tuple[int, int]] = []
    for open_start, open_end in merge_spans((_minutes(s), _minutes(e)) for s, e in declared):
        for work_start, work_end in merge_spans((_minutes(s), _minutes(e)) for s, e in staffed):
            start, end = max(open_start, work_start), min(open_end, work_end)
            if start < end:
                result.append((start, end))
    return [(_clock(s), _clock(e)) for s, e in merge_spans(result)]


def unstaffed(declared: Sequence[tuple[time, time]], staffed: Sequence[tuple[time, time]]) -> Spans:
    """The open times at which nobody works."""
    gaps: list[tuple[int, int]] = []
    covered = merge_spans((_minutes(s), _minutes(e)) for s, e in staffed)
    for start, end in merge_spans((_minutes(s), _minutes(e)) for s, e in declared):
        cursor = start
        for work_start, work_end in covered:
            if work_end <= cursor or work_start >= end:
                continue
            if work_start > cursor:
                gaps.append((cursor, work_start))
            cursor = max(cursor, work_end)
        if cursor < end:
            gaps.append((cursor, end))
    return [(_clock(s), _clock(e)) for s, e in gaps]


@dataclass(frozen=True)
class CoverageGap:
    weekday: int
    declared: Spans
    gaps: Spans

    @property
    def message(self) -> str:
        opened = " and ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.declared)
        missing = " and ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.gaps)
        return f"{WEEKDAY_NAMES[self.weekday]}: open {opened}, but no staff work {missing}"


def coverage_gaps(declared: Mapping[int, Spans], staffed: Mapping[int, Spans]) -> list[CoverageGap]:
    """Per weekday, the declared opening hours that no active staff member's weekly hours cover."""
    found: list[CoverageGap] = []
    for weekday in range(7):
        spans = declared.get(weekday) or []
        gaps = unstaffed(spans, staffed.get(weekday) or [])
        if gaps:
            found.append(CoverageGap(weekday, list(spans), gaps))
    return found
