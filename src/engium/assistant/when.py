"""Dates and times in a customer's words, read as wall-clock values in the business's time zone.

Pure: the caller passes "today" (the business's local date), so every rule is testable without a clock.
Recognised dates: today, tomorrow, the day after tomorrow, weekday names ("Saturday", "next sat"), ISO
dates (2025-11-28), month names ("Nov 28", "28th November"), numeric day/month ("28/11", "28/11/2025";
"11/28" when only that reading is a real date) and fixed-date holidays ("Christmas Day", "Boxing Day").
Recognised times: "10", "10am", "10 am", "10:30", "3pm",
"15:00", "15h", "noon", "midday". What is not recognised stays None: the engine asks rather than guesses.

A bare hour counts only after "at", "@", "around" or "for", or as the whole message ("10" in reply to
"what time?"): otherwise "2 haircuts" or "£30" would become times. A bare hour of 1-7 means the afternoon
(a front desk's "at 3" is 15:00, not 03:00).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4, "sat": 5, "saturday": 5,
    "sun": 6, "sunday": 6,
}
MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_ORDINAL = r"(?:st|nd|rd|th)?"

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
# Slashes only: "10.30" is a time in the UK, never the 10th of a 30th month.
_NUMERIC = re.compile(r"(?<![\d:./])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])")
_MONTH_DAY = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}){_ORDINAL}\b(?:,?\s*(\d{{4}}))?")
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?({_MONTH})\b\.?(?:,?\s*(\d{{4}}))?")
# Fixed-date holidays a customer names; a business's own closures are matched by label (hours_answer.py).
_HOLIDAYS = {
    "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25), "xmas": (12, 25),
    "boxing day": (12, 26), "new year's eve": (12, 31), "new years eve": (12, 31),
    "new year's day": (1, 1), "new years day": (1, 1),
}
_HOLIDAY = re.compile(r"\b(" + "|".join(sorted(_HOLIDAYS, key=len, reverse=True)) + r")\b")
_RELATIVE = re.compile(r"\b(day after tomorrow|today|tonight|tomorrow|tmrw|tmr)\b")
_WEEKDAY_WORD = re.compile(rf"\b(next\s+|this\s+|on\s+)?({_WEEKDAY})\b")

_CLOCK = re.compile(r"(?<![\d/.:])([01]?\d|2[0-3])[:.h]([0-5]\d)\s*(am|pm|a\.m\.|p\.m\.)?(?![\d/])")
_MERIDIEM = re.compile(r"(?<![\d/.:£$€])(1[0-2]|0?[1-9])\s*(am|pm|a\.m\.|p\.m\.)(?![a-z])")
_HOUR_H = re.compile(r"(?<![\d/.:])([01]?\d|2[0-3])h\b")
_NOON = re.compile(r"\b(noon|midday)\b")
_AFTER_PREPOSITION = re.compile(
    r"(?:\bat|@|\baround|\bfor|\babout)\s+(2[0-3]|1\d|0?\d)\b"
    # "at 11.30" is a clock time (_CLOCK); "at 11." ends a sentence and is an hour.
    r"(?![:/\d]|\.\d|\s*(?:min|minute|hour|h\b|people|person|of\b))"
)
_ONLY_HOUR = re.compile(r"^\s*(?:at\s+)?(2[0-3]|1\d|0?\d)\s*(?:o'?clock)?\s*(?:please|pls|thanks)?[.!?]*\s*$")


@dataclass(frozen=True)
class When:
    """What a message says about when: either part may be missing."""

    day: date | None = None
    at: time | None = None


def parse_when(text: str, today: date) -> When:
    lowered = text.lower()
    day, rest = _parse_day(lowered, today)
    return When(day, parse_time(rest))


def parse_day(text: str, today: date) -> date | None:
    return _parse_day(text.lower(), today)[0]


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _upcoming(month: int, day: int, year: str | None, today: date) -> date | None:
    """A month and day without a year mean the next such date (a past one this year is next year's)."""
    if year is not None:
        full = int(year) + (2000 if len(year) == 2 else 0)
        return _real_date(full, month, day)
    found = _real_date(today.year, month, day)
    if found is not None and found < today:
        found = _real_date(today.year + 1, month, day)
    return found


def _cut(text: str, match: re.Match[str]) -> str:
    # The matched date is blanked out so its digits are not read again as a time.
    return text[: match.start()] + " " * (match.end() - match.start()) + text[match.end():]


def _parse_day(text: str, today: date) -> tuple[date | None, str]:
    if match := _ISO.search(text):
        return _real_date(int(match[1]), int(match[2]), int(match[3])), _cut(text, match)
    if match := _MONTH_DAY.search(text):
        return _upcoming(MONTHS[match[1]], int(match[2]), match[3], today), _cut(text, match)
    if match := _DAY_MONTH.search(text):
        return _upcoming(MONTHS[match[2]], int(match[1]), match[3], today), _cut(text, match)
    if match := _NUMERIC.search(text):
        first, second = int(match[1]), int(match[2])
        # Day first, as most of the world writes it; month first only when day-first is impossible.
        day = _upcoming(second, first, match[3], today) if second <= 12 else None
        if day is None and first <= 12:
            day = _upcoming(first, second, match[3], today)
        if day is not None:
            return day, _cut(text, match)
    if match := _HOLIDAY.search(text):
        month, day_of_month = _HOLIDAYS[match[1]]
        return _upcoming(month, day_of_month, None, today), _cut(text, match)
    if match := _RELATIVE.search(text):
        offset = {"today": 0, "tonight": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "day after tomorrow": 2}[match[1]]
        return today + timedelta(days=offset), _cut(text, match)
    if match := _WEEKDAY_WORD.search(text):
        ahead = (WEEKDAYS[match[2]] - today.weekday()) % 7
        if match[1] and match[1].strip() == "next" and ahead == 0:
            ahead = 7
        return today + timedelta(days=ahead), _cut(text, match)
    return None, text


def _with_meridiem(hour: int, meridiem: str | None) -> int | None:
    if meridiem is None:
        return hour
    if not 1 <= hour <= 12:
        return None
    if meridiem.startswith("p"):
        return hour % 12 + 12
    return hour % 12


def parse_time(text: str) -> time | None:
    lowered = text.lower()
    if match := _CLOCK.search(lowered):
        hour = _with_meridiem(int(match[1]), match[3])
        return time(hour, int(match[2])) if hour is not None else None
    if match := _MERIDIEM.search(lowered):
        hour = _with_meridiem(int(match[1]), match[2])
        return time(hour) if hour is not None else None
    if match := _HOUR_H.search(lowered):
        return time(int(match[1]))
    if _NOON.search(lowered):
        return time(12)
    match = _AFTER_PREPOSITION.search(lowered) or _ONLY_HOUR.match(lowered)
    if match:
        hour = int(match[1])
        # "at 3" at a front desk is the afternoon; 0 is nobody's appointment time.
        if hour == 0:
            return None
        return time(hour + 12 if hour <= 7 else hour)
    return None


def describe_day(day: date, today: date) -> str:
    """"today", "tomorrow", or "Saturday 29 November": what the customer reads back."""
    if day == today:
        return f"today ({WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%B})"
    if day == today + timedelta(days=1):
        return f"tomorrow ({WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%B})"
    suffix = f" {day.year}" if day.year != today.year else ""
    return f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {day:%B}{suffix}"


def describe_time(at: time) -> str:
    return f"{at:%H:%M}"
