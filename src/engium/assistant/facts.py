"""Facts the assistant states from structured data, never from a model: opening hours, services with
prices and durations, and the business's address, phone, email and website.

Opening hours come from ``tenant_settings.opening_hours`` ({"mon": "09:00-18:00", "sun": "closed"};
full day names, 0-6, lists of ranges and {"open", "close"} objects are read too). A business that has
not entered them gets its staff's weekly working hours instead, merged per weekday.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import Any

from sqlalchemy.orm import Session

from engium.assistant.intents import ContactTopic
from engium.assistant.phrasebook import describe_day, joined, say, short_weekday, weekday_name
from engium.assistant.turn import Business, Reply
from engium.assistant.when import WEEKDAYS
from engium.bookings import catalog
from engium.bookings.models import Service

Hours = dict[int, list[tuple[time, time]]]  # weekday -> open spans; an empty list means closed

SETTINGS_HOURS = "settings:opening_hours"
STAFF_HOURS = "staff:weekly_hours"
_RANGE = re.compile(r"(\d{1,2})(?::(\d{2}))?\s*(?:-|\u2013|to)\s*(\d{1,2})(?::(\d{2}))?")
_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


def _weekday(key: object) -> int | None:
    text = str(key).strip().lower()
    if text.isdigit() and 0 <= int(text) <= 6:
        return int(text)
    return WEEKDAYS.get(text)


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
    for view in catalog.list_staff(session, active=True):
        for rule in catalog.get_week(session, view.staff.id):
            merged[rule.weekday].append((rule.start_time, rule.end_time))
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


def business_hours(session: Session, business: Business) -> tuple[Hours, str]:
    declared = settings_hours(business.opening_hours)
    if declared:
        return declared, SETTINGS_HOURS
    return staff_hours(session), STAFF_HOURS


def _spans_text(spans: Sequence[tuple[time, time]], language: str = "en") -> str:
    if not spans:
        return say(language, "closed")
    return f" {say(language, 'and')} ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in spans)


def hours_reply(hours: Hours, source: str, day: date | None, today: date, language: str = "en") -> Reply:
    if not hours:
        return Reply(say(language, "hours_unknown"), ())
    if day is not None:
        spans = hours.get(day.weekday())
        label = describe_day(day, today, language)
        if spans is None:
            return Reply(say(language, "hours_day_unknown", weekday=weekday_name(language, day.weekday())), ())
        if not spans:
            return Reply(say(language, "closed_on", day=label), (source,))
        return Reply(say(language, "open_on", day=label, spans=_spans_text(spans, language)), (source,))
    groups: list[tuple[int, int, str]] = []
    for weekday in range(7):
        text = _spans_text(hours[weekday], language) if weekday in hours else say(language, "not_listed")
        if groups and groups[-1][2] == text and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, text)
        else:
            groups.append((weekday, weekday, text))
    parts = [
        f"{short_weekday(language, first)}{'-' + short_weekday(language, last) if last != first else ''} {text}"
        for first, last, text in groups
    ]
    return Reply(say(language, "opening_hours", list="; ".join(parts)), (source,))


def money(service: Service, language: str = "en") -> str:
    if service.price_cents is None:
        return say(language, "price_on_request")
    amount = f"{service.price_cents // 100}.{service.price_cents % 100:02d}"
    symbol = _SYMBOLS.get(service.currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {service.currency}"


def price_text(service: Service, language: str = "en") -> str:
    """"Men's haircut: £30.00 (30 min)", a line of the price list (the name as the business wrote it)."""
    return f"{service.name}: {money(service, language)} ({service.duration_minutes} min)"


def service_label(service: Service, language: str = "en") -> str:
    """"Men's haircut (30 min, £30.00)", the service inside a sentence."""
    return f"{service.name} ({service.duration_minutes} min, {money(service, language)})"


def prices_reply(services: Iterable[Service], asked: bool, language: str = "en") -> Reply:
    """``asked``: the customer named these services; otherwise the whole active menu."""
    listed = list(services)
    if not listed:
        return Reply(say(language, "no_price_list"), ())
    lines = "; ".join(price_text(service, language) for service in listed)
    text = say(language, "prices_asked" if asked else "prices_menu", list=lines)
    return Reply(text, tuple(f"service:{service.id}" for service in listed))


def contact_reply(business: Business, topics: Iterable[ContactTopic], language: str = "en") -> Reply:
    wanted = set(topics) or {ContactTopic.ADDRESS, ContactTopic.PHONE, ContactTopic.EMAIL}
    known = {
        ContactTopic.ADDRESS: business.address,
        ContactTopic.PHONE: business.phone,
        ContactTopic.EMAIL: business.email,
        ContactTopic.WEBSITE: business.website,
    }
    sentences, sources, missing = [], [], []
    for topic in ContactTopic:
        if topic not in wanted:
            continue
        value = known[topic]
        if value:
            sentences.append(say(language, f"contact_{topic.value}", value=value))
            sources.append(f"settings:{topic.value}")
        else:
            missing.append(say(language, f"topic_{topic.value}"))
    if missing:
        sentences.append(say(language, "contact_missing", missing=joined(language, missing, "or")))
    return Reply(" ".join(sentences), tuple(sources))
