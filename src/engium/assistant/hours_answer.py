"""The assistant's answer to "when are you open?": weekly hours, a date's closure or special hours, and
the appointment hours whenever staff cannot serve all the opening hours (ADR 0036).

Every sentence is a phrasebook key (phrasebook_hours_texts.py) in the customer's language (ADR 0038),
dates and weekday names written by the phrasebook; a closure's label is quoted as the business wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time, timedelta

from sqlalchemy.orm import Session

from engium.assistant.facts import SETTINGS_HOURS, STAFF_HOURS
from engium.assistant.phrase_translation import fold
from engium.assistant.phrasebook import describe_day, say, short_weekday, weekday_name
from engium.assistant.turn import Reply
from engium.bookings import closures, hours_coverage
from engium.bookings.closure_rules import ClosureRule, occurrences

# How far ahead the weekly answer mentions closures: the next two weeks are what a customer plans.
UPCOMING_DAYS = 14
# How far ahead a closure's name in a question ("Christmas Day?") is looked for.
NAMED_DAYS_AHEAD = 366
# Between the groups of a weekly list and between upcoming closures, in every language.
LIST_SEPARATOR = "; "


def _spans(spans: Sequence[tuple[time, time]], language: str) -> str:
    if not spans:
        return say(language, "closed")
    return f" {say(language, 'and')} ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in spans)


def _source(closure: ClosureRule | None, from_settings: bool) -> str:
    if closure is not None:
        return f"closure:{closure.id}"
    return SETTINGS_HOURS if from_settings else STAFF_HOURS


def _on_file(week: hours_coverage.WeekHours) -> bool:
    """Whether there are weekly hours to state: a business with no hours in its settings and no staff
    hours has said nothing, which is not "closed every day"."""
    return week.from_settings or any(week.declared.values())


def day_reply(session: Session, day: date, today: date, language: str) -> Reply:
    week = hours_coverage.week_hours(session)
    found = hours_coverage.day_hours(session, day, week)
    label = describe_day(day, today, language)
    source = (_source(found.closure, week.from_settings),)
    if found.closure is not None:
        if not found.open:
            return Reply(say(language, "closed_for", day=label, label=found.closure.label), source)
        text = say(language, "special_hours_on", day=label, label=found.closure.label,
                   spans=_spans(found.hours, language))
        return Reply(text + _appointment_note(found.hours, found.appointments, language), source)
    if not _on_file(week):
        return Reply(say(language, "hours_unknown"), ())
    if not found.listed:
        return Reply(say(language, "hours_day_unknown", weekday=weekday_name(language, day.weekday())), ())
    if not found.open:
        return Reply(say(language, "closed_on", day=label), source)
    text = say(language, "open_on", day=label, spans=_spans(found.hours, language))
    return Reply(text + _appointment_note(found.hours, found.appointments, language), source)


def _appointment_note(hours: Sequence[tuple[time, time]], appointments: Sequence[tuple[time, time]],
                      language: str) -> str:
    """Said only when staff cannot serve every open hour: the answer never promises what nobody serves."""
    if list(hours) == list(appointments):
        return ""
    if not appointments:
        return say(language, "no_appointments_that_day")
    return say(language, "appointment_hours", spans=_spans(appointments, language))


def _grouped(per_day: Sequence[str], language: str) -> str:
    """"Mon-Wed 09:00-18:00; Thu 09:00-20:00": consecutive weekdays with the same text share one entry."""
    groups: list[tuple[int, int, str]] = []
    for weekday, text in enumerate(per_day):
        if groups and groups[-1][2] == text and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, text)
        else:
            groups.append((weekday, weekday, text))
    parts = [
        f"{short_weekday(language, first)}{'-' + short_weekday(language, last) if last != first else ''} {text}"
        for first, last, text in groups
    ]
    return LIST_SEPARATOR.join(parts)


def week_reply(session: Session, today: date, language: str) -> Reply:
    week = hours_coverage.week_hours(session)
    if not _on_file(week):
        return Reply(say(language, "hours_unknown"), ())
    not_listed = say(language, "not_listed")
    opened = [_spans(week.declared[weekday], language) if weekday in week.declared else not_listed
              for weekday in range(7)]
    text = say(language, "opening_hours", list=_grouped(opened, language))
    booked = [_spans(week.appointments(weekday), language) if weekday in week.declared else not_listed
              for weekday in range(7)]
    if booked != opened:
        text += say(language, "weekly_appointments", list=_grouped(booked, language))
    sources = [SETTINGS_HOURS if week.from_settings else STAFF_HOURS]
    upcoming = occurrences(closures.rules_between(session, today, today + timedelta(days=UPCOMING_DAYS)), today,
                           UPCOMING_DAYS)
    if upcoming:
        notes = []
        for day, closure in upcoming:
            key = "upcoming_closed" if closure.closed_all_day else "upcoming_special"
            spans = _spans([(closure.opens, closure.closes)], language) if closure.opens and closure.closes else ""
            notes.append(say(language, key, day=describe_day(day, today, language), label=closure.label,
                             spans=spans))
            if f"closure:{closure.id}" not in sources:
                sources.append(f"closure:{closure.id}")
        text += say(language, "upcoming_closures", list=LIST_SEPARATOR.join(notes))
    return Reply(text, tuple(sources))


def hours_reply(session: Session, day: date | None, today: date, language: str) -> Reply:
    """The answer for ``day``, or for the week when no day was asked; the settings and closures are read
    fresh from the session."""
    return day_reply(session, day, today, language) if day is not None else week_reply(session, today, language)


def _words(text: str) -> str:
    """Lower-case words without accents, so that "Día de Reyes" is named by "dia de reyes" too."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def named_closure_day(session: Session, text: str, today: date, as_written: str = "") -> date | None:
    """The next date of a closure the message names ("Christmas Day?", "open on boxing day"), if any.

    ``text`` is the message in the assistant's English keywords, ``as_written`` the customer's own words when
    those were rewritten: a label in English ("Christmas Day") is found in the rewrite of "día de Navidad",
    a label in the customer's language ("Semana Santa") in what they wrote."""
    said = [f" {_words(text)} ", f" {_words(as_written)} "]
    rules = closures.rules_between(session, today, today + timedelta(days=NAMED_DAYS_AHEAD))
    named = [rule for rule in rules if _words(rule.label) and any(f" {_words(rule.label)} " in s for s in said)]
    if not named:
        return None
    # The longest name wins ("Christmas Eve" is not "Christmas"); then its next day within the year ahead.
    best = max(len(_words(rule.label)) for rule in named)
    for day, closure in occurrences(named, today, NAMED_DAYS_AHEAD):
        if len(_words(closure.label)) == best:
            return day
    return None
