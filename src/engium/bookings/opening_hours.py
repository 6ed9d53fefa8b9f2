"""The business's weekly opening hours as entered in ``tenant_settings.opening_hours``, and the weekly
hours its active staff work, both as weekday -> spans.

The settings are free-form JSON ({"mon": "09:00-18:00", "sun": "closed"}; full day names, 0-6, lists of
ranges and {"open", "close"} objects are read too). Read here, beside the staff hours and closures, so that
the bookings rules, the API and the assistant read them the same way.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from sqlalchemy.orm import Session

from engium.bookings import repository as repo

Hours = dict[int, list[tuple[time, time]]]  # weekday -> open spans; an empty list means closed

_RANGE = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(?:-|\u2013|to)\s*(\d{1,2})(?::(\d{2}))?")
_DAY_NAMES = (
    ("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
    ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday"),
)
WEEKDAY_KEYS = {name: weekday for weekday, names in enumerate(_DAY_NAMES) for name in names}


def _weekday(key: object) -> int | None:
    text = str(key).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    return WEEKDAY_KEYS.get(text)


def _spans(value: object) -> list[tuple[time, time]] | None:
    """A day's spans from whatever shape the business entered; None when it cannot be read."""
    if isinstance(value, dict):
        value = f"{value.get('open', '')}-{value.get('close', '')}"
    if isinstance(value, list):
        spans: list[tuple[time, time]] = []
        for part in value:
            found = _spans(part)
            if found is None:
                return None
            spans += found
        return spans
    if not isinstance(value, str):
        return None
    if value.strip().lower() in {"closed", "", "none", "-"}:
        return []
    spans = []
    for match in _RANGE.finditer(value):
        try:
            start = time(int(match[1]), int(match[2] or 0))
            end = time(int(match[3]), int(match[4] or 0))
        except ValueError:
            return None
        if end > start:
            spans.append((start, end))
    return spans or None


def settings_hours(opening_hours: dict[str, Any]) -> Hours:
    hours: Hours = {}
    for key, value in opening_hours.items():
        day, spans = _weekday(key), _spans(value)
        if day is not None and spans is not None:
            hours[day] = spans
    return hours


def staff_hours(session: Session) -> Hours:
    """The union of active staff's weekly working hours, per weekday."""
    merged: dict[int, list[tuple[time, time]]] = {day: [] for day in range(7)}
    # One statement, not one staff list and two more per member (ADR 0051): every new conversation asks.
    for weekday, start, end in repo.week_hours_of_active_staff(session):
        merged[weekday].append((start, end))
    hours: Hours = {}
    for day, spans in merged.items():
        joined: list[tuple[time, time]] = []
        for start, end in sorted(spans):
            if joined and start <= joined[-1][1]:
                joined[-1] = (joined[-1][0], max(joined[-1][1], end))
            else:
                joined.append((start, end))
        hours[day] = joined
    return hours
