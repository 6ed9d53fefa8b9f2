"""The assistant's answer to "when are you open?": weekly hours, a date's closure or special hours, and
the appointment hours whenever staff cannot serve all the opening hours (ADR 0036).

Every sentence the answer can contain is in ``HOURS_TEXTS``, in one place, so that another language is
one more table of the same keys. Placeholders: {day} a described date, {hours}/{appointments} span lists,
{label} a closure's name, {week} the weekly list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from engium.assistant.facts import SETTINGS_HOURS, STAFF_HOURS
from engium.assistant.turn import Business, Reply
from engium.assistant.when import describe_day
from engium.bookings import closures, hours_coverage
from engium.bookings.closure_rules import ClosureRule, occurrences

HOURS_TEXTS = {
    "none_on_file": "I don't have our opening hours on file, sorry. A member of the team can tell you.",
    "day_unlisted": "I don't have our hours for {weekday}s on file, sorry.",
    "day_closed": "We're closed on {day}.",
    "day_open": "On {day} we're open {hours}.",
    "day_closure": "We're closed on {day} ({label}).",
    "day_special": "On {day} ({label}) we have special hours: {hours}.",
    "appointments": " Appointments are available {appointments}.",
    "no_appointments": " No appointments are available that day.",
    "week": "Our opening hours: {week}.",
    "week_appointments": " Appointments: {week}.",
    "upcoming": " Coming up: {closures}.",
    "upcoming_closed": "closed {day} ({label})",
    "upcoming_special": "{hours} on {day} ({label})",
    "closed": "closed",
    "not_listed": "not listed",
    "and": " and ",
    "list_separator": "; ",
    "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "weekdays_short": "Mon Tue Wed Thu Fri Sat Sun",
}
# How far ahead the weekly answer mentions closures: the next two weeks are what a customer plans.
UPCOMING_DAYS = 14
# How far ahead a closure's name in a question ("Christmas Day?") is looked for.
NAMED_DAYS_AHEAD = 366


def _spans(spans: Sequence[tuple[time, time]]) -> str:
    if not spans:
        return HOURS_TEXTS["closed"]
    return HOURS_TEXTS["and"].join(f"{start:%H:%M}-{end:%H:%M}" for start, end in spans)


def _source(closure: ClosureRule | None, from_settings: bool) -> str:
    if closure is not None:
        return f"closure:{closure.id}"
    return SETTINGS_HOURS if from_settings else STAFF_HOURS


def day_reply(session: Session, day: date, today: date) -> Reply:
    week = hours_coverage.week_hours(session)
    found = hours_coverage.day_hours(session, day, week)
    label = describe_day(day, today)
    source = (_source(found.closure, week.from_settings),)
    if found.closure is not None:
        if not found.open:
            return Reply(HOURS_TEXTS["day_closure"].format(day=label, label=found.closure.label), source)
        text = HOURS_TEXTS["day_special"].format(day=label, label=found.closure.label, hours=_spans(found.hours))
        return Reply(text + _appointment_note(found.hours, found.appointments), source)
    if not week.declared:
        return Reply(HOURS_TEXTS["none_on_file"], ())
    if not found.listed:
        weekday = HOURS_TEXTS["weekdays"].split()[day.weekday()]
        return Reply(HOURS_TEXTS["day_unlisted"].format(weekday=weekday), ())
    if not found.open:
        return Reply(HOURS_TEXTS["day_closed"].format(day=label), source)
    text = HOURS_TEXTS["day_open"].format(day=label, hours=_spans(found.hours))
    return Reply(text + _appointment_note(found.hours, found.appointments), source)


def _appointment_note(hours: Sequence[tuple[time, time]], appointments: Sequence[tuple[time, time]]) -> str:
    """Said only when staff cannot serve every open hour: the answer never promises what nobody serves."""
    if list(hours) == list(appointments):
        return ""
    if not appointments:
        return HOURS_TEXTS["no_appointments"]
    return HOURS_TEXTS["appointments"].format(appointments=_spans(appointments))


def _grouped(per_day: Sequence[str]) -> str:
    short = HOURS_TEXTS["weekdays_short"].split()
    groups: list[tuple[int, int, str]] = []
    for weekday, text in enumerate(per_day):
        if groups and groups[-1][2] == text and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, text)
        else:
            groups.append((weekday, weekday, text))
    parts = [f"{short[first]}{'-' + short[last] if last != first else ''} {text}" for first, last, text in groups]
    return HOURS_TEXTS["list_separator"].join(parts)


def week_reply(session: Session, today: date) -> Reply:
    week = hours_coverage.week_hours(session)
    if not week.declared:
        return Reply(HOURS_TEXTS["none_on_file"], ())
    opened = [
        _spans(week.declared[weekday]) if weekday in week.declared else HOURS_TEXTS["not_listed"]
        for weekday in range(7)
    ]
    text = HOURS_TEXTS["week"].format(week=_grouped(opened))
    booked = [_spans(week.appointments(weekday)) if weekday in week.declared else HOURS_TEXTS["not_listed"]
              for weekday in range(7)]
    if booked != opened:
        text += HOURS_TEXTS["week_appointments"].format(week=_grouped(booked))
    sources = [SETTINGS_HOURS if week.from_settings else STAFF_HOURS]
    upcoming = occurrences(closures.rules_between(session, today, today + timedelta(days=UPCOMING_DAYS)), today,
                           UPCOMING_DAYS)
    if upcoming:
        notes = []
        for day, closure in upcoming:
            key = "upcoming_closed" if closure.closed_all_day else "upcoming_special"
            hours = _spans([(closure.opens, closure.closes)]) if closure.opens and closure.closes else ""
            notes.append(HOURS_TEXTS[key].format(day=describe_day(day, today), label=closure.label, hours=hours))
            if f"closure:{closure.id}" not in sources:
                sources.append(f"closure:{closure.id}")
        text += HOURS_TEXTS["upcoming"].format(closures=HOURS_TEXTS["list_separator"].join(notes))
    return Reply(text, tuple(sources))


def hours_reply(session: Session, business: Business, day: date | None, today: date) -> Reply:
    del business  # the settings are read fresh from the session, with the closures beside them
    return day_reply(session, day, today) if day is not None else week_reply(session, today)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def named_closure_day(session: Session, text: str, today: date) -> date | None:
    """The next date of a closure the message names ("Christmas Day?", "open on boxing day"), if any."""
    said = f" {_words(text)} "
    rules = closures.rules_between(session, today, today + timedelta(days=NAMED_DAYS_AHEAD))
    named = [rule for rule in rules if _words(rule.label) and f" {_words(rule.label)} " in said]
    if not named:
        return None
    # The longest name wins ("Christmas Eve" is not "Christmas"); then its next day within the year ahead.
    best = max(len(_words(rule.label)) for rule in named)
    for day, closure in occurrences(named, today, NAMED_DAYS_AHEAD):
        if len(_words(closure.label)) == best:
            return day
    return None
