"""Pure slot arithmetic: weekly rules + date exceptions + busy time -> bookable intervals.

No database and no clock here: callers pass ``now`` and the tenant's zone, so every rule is unit-testable.

Working hours are entered as wall-clock times in the business's zone, but all arithmetic happens on
UTC instants. Python compares and subtracts two datetimes that share a ``tzinfo`` by wall time, ignoring
the offset, which silently goes wrong on DST days; converting to UTC first avoids that whole class of bug.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo

DEFAULT_GRID = timedelta(minutes=15)
MINUTES_PER_DAY = 24 * 60

ExceptionKind = Literal["closed", "open"]


@dataclass(frozen=True)
class WeeklyWindow:
    weekday: int  # 0 = Monday, as datetime.date.weekday()
    start: time
    end: time


@dataclass(frozen=True)
class DateException:
    kind: ExceptionKind
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open [start, end) span of UTC instants."""

    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Interval) -> bool:
        return self.start <= other.start and other.end <= self.end


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorts and merges overlapping or touching spans, so 09-12 + 12-17 books straight through noon."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[tuple[int, int]], cut: tuple[int, int]) -> list[tuple[int, int]]:
    result: list[tuple[int, int]] = []
    for start, end in spans:
        if cut[1] <= start or end <= cut[0]:
            result.append((start, end))
            continue
        if start < cut[0]:
            result.append((start, cut[0]))
        if cut[1] < end:
            result.append((cut[1], end))
    return result


def wall_clock_windows(
    day: date, weekly: Iterable[WeeklyWindow], exceptions: Iterable[DateException]
) -> list[tuple[int, int]]:
    """The day's working spans as minutes after local midnight.

    Precedence: a whole-day ``closed`` removes the regular weekly hours; ``open`` windows then add
    extra hours (an explicit opening on a day off wins); ``closed`` windows with times are cut last,
    so a blocked lunch hour also blocks any extra hours that cross it.
    """
    exceptions = list(exceptions)
    day_off = any(e.kind == "closed" and e.start is None for e in exceptions)
    spans = [] if day_off else [(_minutes(w.start), _minutes(w.end)) for w in weekly if w.weekday == day.weekday()]
    spans += [
        (_minutes(e.start), _minutes(e.end))
        for e in exceptions
        if e.kind == "open" and e.start is not None and e.end is not None
    ]
    merged = merge_spans(spans)
    for e in exceptions:
        if e.kind == "closed" and e.start is not None and e.end is not None:
            merged = _subtract(merged, (_minutes(e.start), _minutes(e.end)))
    return merged


def to_instant(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """Local wall time -> UTC instant.

    A wall time inside a spring-forward gap does not exist; ``fold=0`` reads it with the offset in force
    before the change, i.e. 02:30 on that night means 03:30 after it. An ambiguous fall-back time means
    its first occurrence.
    """
    local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)
    return local.astimezone(UTC)


def day_bounds(day: date, zone: ZoneInfo) -> Interval:
    """The UTC span of one local calendar day (23 or 25 hours long on DST days)."""
    return Interval(to_instant(day, 0, zone), to_instant(day + timedelta(days=1), 0, zone))


def working_intervals(
    day: date, zone: ZoneInfo, weekly: Iterable[WeeklyWindow], exceptions: Iterable[DateException]
) -> list[Interval]:
    return [
        Interval(to_instant(day, start, zone), to_instant(day, end, zone))
        for start, end in wall_clock_windows(day, weekly, exceptions)
    ]


def grid_step(duration: timedelta) -> timedelta:
    """Slots start every 15 minutes, or every ``duration`` when the service is shorter than that."""
    return min(DEFAULT_GRID, duration)


def free_slots(
    *,
    working: Sequence[Interval],
    duration: timedelta,
    busy: Sequence[Interval],
    now: datetime,
) -> list[Interval]:
    """Slots of ``duration`` that fit inside a working interval, miss every busy span and start after ``now``.

    The grid is anchored at each window's start and stepped in absolute time, so across a DST change the
    slots stay evenly spaced in real minutes (no phantom 02:xx starts, no collapsed hour).
    """
    step = grid_step(duration)
    slots: list[Interval] = []
    for window in sorted(working):
        start = window.start
        while start + duration <= window.end:
            slot = Interval(start, start + duration)
            if start >= now and not any(slot.overlaps(b) for b in busy):
                slots.append(slot)
            start += step
    return slots


def is_bookable(candidate: Interval, *, working: Sequence[Interval], busy: Sequence[Interval], now: datetime) -> bool:
    return (
        candidate.start >= now
        and any(w.contains(candidate) for w in working)
        and not any(candidate.overlaps(b) for b in busy)
    )


def validate_week(windows: Sequence[WeeklyWindow]) -> list[str]:
    """Problems with a weekly schedule, as human-readable sentences (empty when it is valid)."""
    problems: list[str] = []
    by_day: dict[int, list[WeeklyWindow]] = {}
    for w in windows:
        if not 0 <= w.weekday <= 6:
            problems.append(f"weekday {w.weekday} is not between 0 (Monday) and 6 (Sunday)")
        if w.end <= w.start:
            problems.append(f"weekday {w.weekday}: end_time {w.end:%H:%M} must be after start_time {w.start:%H:%M}")
        by_day.setdefault(w.weekday, []).append(w)
    for weekday, day_windows in sorted(by_day.items()):
        ordered = sorted(day_windows, key=lambda w: w.start)
        for before, after in pairwise(ordered):
            if after.start < before.end:
                problems.append(
                    f"weekday {weekday}: {before.start:%H:%M}-{before.end:%H:%M} overlaps "
                    f"{after.start:%H:%M}-{after.end:%H:%M}"
                )
    return problems


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(UTC)
