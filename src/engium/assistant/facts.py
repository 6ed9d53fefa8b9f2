"""Facts the assistant states from structured data, never from a model: opening hours, services with
prices and durations, and the business's address, phone, email and website.

Opening hours come from ``tenant_settings.opening_hours``, read by bookings/opening_hours.py. A business
that has not entered them gets its staff's weekly working hours instead, merged per weekday; the
assistant's hours answer, closures included, is assistant/hours_answer.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, time

from engium.assistant.intents import ContactTopic
from engium.assistant.phrasebook import describe_day, joined, say, short_weekday, weekday_name
from engium.assistant.turn import Business, Reply
from engium.bookings.models import Service
from engium.bookings.opening_hours import Hours

SETTINGS_HOURS = "settings:opening_hours"
STAFF_HOURS = "staff:weekly_hours"
_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


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
