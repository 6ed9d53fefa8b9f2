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
from engium.assistant.turn import Business, Reply
from engium.assistant.when import WEEKDAY_NAMES, describe_day
from engium.bookings.models import Service
from engium.bookings.opening_hours import Hours

SETTINGS_HOURS = "settings:opening_hours"
STAFF_HOURS = "staff:weekly_hours"
_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}
_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _spans_text(spans: Sequence[tuple[time, time]]) -> str:
    return " and ".join(f"{start:%H:%M}-{end:%H:%M}" for start, end in spans) if spans else "closed"


def hours_reply(hours: Hours, source: str, day: date | None, today: date) -> Reply:
    if not hours:
        return Reply("I don't have our opening hours on file, sorry. A member of the team can tell you.", ())
    if day is not None:
        spans = hours.get(day.weekday())
        label = describe_day(day, today)
        if spans is None:
            return Reply(f"I don't have our hours for {WEEKDAY_NAMES[day.weekday()]}s on file, sorry.", ())
        if not spans:
            return Reply(f"We're closed on {label}.", (source,))
        return Reply(f"On {label} we're open {_spans_text(spans)}.", (source,))
    groups: list[tuple[int, int, str]] = []
    for weekday in range(7):
        text = _spans_text(hours[weekday]) if weekday in hours else "not listed"
        if groups and groups[-1][2] == text and groups[-1][1] == weekday - 1:
            groups[-1] = (groups[-1][0], weekday, text)
        else:
            groups.append((weekday, weekday, text))
    parts = [
        f"{_SHORT[first]}{'-' + _SHORT[last] if last != first else ''} {text}" for first, last, text in groups
    ]
    return Reply("Our opening hours: " + "; ".join(parts) + ".", (source,))


def money(service: Service) -> str:
    if service.price_cents is None:
        return "price on request"
    amount = f"{service.price_cents // 100}.{service.price_cents % 100:02d}"
    symbol = _SYMBOLS.get(service.currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {service.currency}"


def price_text(service: Service) -> str:
    """"Men's haircut: £30.00 (30 min)", a line of the price list."""
    return f"{service.name}: {money(service)} ({service.duration_minutes} min)"


def service_label(service: Service) -> str:
    """"Men's haircut (30 min, £30.00)", the service inside a sentence."""
    return f"{service.name} ({service.duration_minutes} min, {money(service)})"


def prices_reply(services: Iterable[Service], asked: bool) -> Reply:
    """``asked``: the customer named these services; otherwise the whole active menu."""
    listed = list(services)
    if not listed:
        return Reply("I don't have a price list on file, sorry. A member of the team can help.", ())
    intro = "Here's what that costs: " if asked else "Our services: "
    text = intro + "; ".join(price_text(service) for service in listed) + "."
    return Reply(text, tuple(f"service:{service.id}" for service in listed))


def contact_reply(business: Business, topics: Iterable[ContactTopic]) -> Reply:
    wanted = set(topics) or {ContactTopic.ADDRESS, ContactTopic.PHONE, ContactTopic.EMAIL}
    known = {
        ContactTopic.ADDRESS: (business.address, "You'll find us at {}."),
        ContactTopic.PHONE: (business.phone, "You can call us on {}."),
        ContactTopic.EMAIL: (business.email, "Our email address is {}."),
        ContactTopic.WEBSITE: (business.website, "Our website is {}."),
    }
    sentences, sources, missing = [], [], []
    for topic in ContactTopic:
        if topic not in wanted:
            continue
        value, template = known[topic]
        if value:
            sentences.append(template.format(value))
            sources.append(f"settings:{topic.value}")
        else:
            missing.append(topic.value)
    if missing:
        sentences.append(f"I don't have our {' or '.join(missing)} on file, sorry.")
    return Reply(" ".join(sentences), tuple(sources))
