"""What the assistant says, in the customer's language: :func:`say` picks a keyed sentence of the
phrasebook (phrasebook_texts.py) and fills in the facts.

Dates are written the way each language writes them ("Saturday 4 May", "sábado 4 de mayo",
"Samstag, 4. Mai"), times as 24-hour HH:MM everywhere, and lists joined with the language's "and"/"or".
An unknown language falls back to English, and so does a key a language lacks (a specification keeps
every key complete, so that is a safety net, not a habit).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from engium.assistant.language import ENGLISH, supported
from engium.assistant.phrasebook_texts import PHRASES

WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "de": ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"),
    "pt": ("segunda-feira", "terça-feira", "quarta-feira", "quinta-feira", "sexta-feira", "sábado", "domingo"),
}
SHORT_WEEKDAYS: dict[str, tuple[str, ...]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
    "fr": ("lun", "mar", "mer", "jeu", "ven", "sam", "dim"),
    "de": ("Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"),
    "pt": ("seg", "ter", "qua", "qui", "sex", "sáb", "dom"),
}
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"),
    "pt": ("janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro",
           "novembro", "dezembro"),
}


def say(language: str, key: str, **values: Any) -> str:
    """The sentence ``key`` in ``language``, with ``values`` filled in."""
    texts = PHRASES[key]
    template = texts.get(supported(language)) or texts[ENGLISH]
    return template.format(**values) if values else template


def joined(language: str, items: Sequence[str], conjunction: str = "and") -> str:
    """"a, b and c" in the language ("a, b y c"); ``conjunction`` "and" or "or"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {say(language, conjunction)} " + items[-1]


def weekday_name(language: str, weekday: int) -> str:
    return WEEKDAYS[supported(language)][weekday]


def short_weekday(language: str, weekday: int) -> str:
    return SHORT_WEEKDAYS[supported(language)][weekday]


def describe_day(day: date, today: date, language: str = ENGLISH) -> str:
    """"today (Wednesday 1 May)", "tomorrow (...)", or "Saturday 4 May" (with the year when it is not
    this year's), in the customer's language. English reads exactly as when.describe_day."""
    lang = supported(language)
    written = say(lang, "date", weekday=WEEKDAYS[lang][day.weekday()], day=day.day, month=MONTHS[lang][day.month - 1])
    if day == today:
        return say(lang, "today_is", date=written)
    if day == today + timedelta(days=1):
        return say(lang, "tomorrow_is", date=written)
    return f"{written} {day.year}" if day.year != today.year else written
