"""Facts the assistant states from structured data, never from a model: services with prices and
durations, and the business's address, phone, email and website.

The opening hours answer, closures and the hours staff can serve included, is assistant/hours_answer.py;
the source ids for its two kinds of weekly hours are named here, beside the other facts' sources.
"""

from __future__ import annotations

from collections.abc import Iterable

from engium.assistant.intents import ContactTopic
from engium.assistant.phrasebook import joined, say
from engium.assistant.turn import Business, Reply
from engium.bookings.models import Service

# The hours answer's sources: the business's settings, or its staff's weekly hours when it entered none.
SETTINGS_HOURS = "settings:opening_hours"
STAFF_HOURS = "staff:weekly_hours"
_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$"}


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
