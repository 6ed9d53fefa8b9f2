"""When a person can be expected to reply, counted in the business's opening hours.

A response target of two hours means two hours while the business is open: asked at 17:30 by a salon
that closes at 18:00, the reply is due at 10:30 the next open day, not at 19:30. Pure functions over the
weekly hours (facts.Hours: weekday -> open spans in local wall time); a business with no hours on file
is treated as always open, so the promise is then plain clock time.

Closures and holidays come in as ``overrides``: the local dates a closure decides, each with its spans
(empty when closed all day, the special hours otherwise). A promise made on 23 December therefore skips
Christmas Day; dates beyond the overrides the caller read fall back to the weekly hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Hours = dict[int, list[tuple[time, time]]]
Overrides = Mapping[date, list[tuple[time, time]]]
NO_OVERRIDES: Overrides = {}

# How far ahead to look for open time before giving up and counting clock time (hours of one short
# span a week still fit a week of business minutes).
_SEARCH_DAYS = 4 * 366


@dataclass(frozen=True)
class ReplyDue:
    """``within``: open now, and the reply is due before closing (``minutes`` from now); ``by``: open now,
    but the target runs into a later day (``at``); ``opening``: closed now, the next opening is ``at``."""

    kind: Literal["within", "by", "opening"]
    minutes: int
    at: datetime  # local time in the business's zone


def _has_hours(hours: Hours) -> bool:
    return any(hours.get(day) for day in range(7))


def _spans_on(hours: Hours, day: date, zone: ZoneInfo,
              overrides: Overrides = NO_OVERRIDES) -> list[tuple[datetime, datetime]]:
    spans = overrides[day] if day in overrides else hours.get(day.weekday()) or []
    return [(datetime.combine(day, start, zone), datetime.combine(day, end, zone)) for start, end in sorted(spans)]


def is_open(hours: Hours, zone: ZoneInfo, now: datetime, overrides: Overrides = NO_OVERRIDES) -> bool:
    if not _has_hours(hours):
        return True
    local = now.astimezone(zone)
    return any(start <= local < end for start, end in _spans_on(hours, local.date(), zone, overrides))


def add_open_minutes(hours: Hours, zone: ZoneInfo, start: datetime, minutes: int,
                     overrides: Overrides = NO_OVERRIDES) -> datetime:
    """``start`` plus ``minutes`` of opening hours (local time); clock time when no hours are known."""
    local = start.astimezone(zone)
    if not _has_hours(hours):
        return local + timedelta(minutes=minutes)
    left = timedelta(minutes=minutes)
    cursor = local
    for offset in range(_SEARCH_DAYS):
        for opens, closes in _spans_on(hours, local.date() + timedelta(days=offset), zone, overrides):
            begin = max(opens, cursor)
            if begin >= closes:
                continue
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
            cursor = closes
    return local + timedelta(minutes=minutes)


def next_opening(hours: Hours, zone: ZoneInfo, now: datetime, overrides: Overrides = NO_OVERRIDES) -> datetime:
    """The start of the next open span after ``now`` (``now`` itself when open or no hours are known)."""
    local = now.astimezone(zone)
    if is_open(hours, zone, now, overrides):
        return local
    for offset in range(_SEARCH_DAYS):
        for opens, _ in _spans_on(hours, local.date() + timedelta(days=offset), zone, overrides):
            if opens >= local:
                return opens
    return local


def expected_reply(hours: Hours, zone: ZoneInfo, now: datetime, minutes: int,
                   overrides: Overrides = NO_OVERRIDES) -> ReplyDue:
    due = add_open_minutes(hours, zone, now, minutes, overrides)
    local = now.astimezone(zone)
    if not is_open(hours, zone, now, overrides):
        return ReplyDue("opening", minutes, next_opening(hours, zone, now, overrides))
    if due.date() == local.date():
        return ReplyDue("within", minutes, due)
    return ReplyDue("by", minutes, due)
