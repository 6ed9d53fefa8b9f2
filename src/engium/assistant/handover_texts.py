"""Everything the assistant tells a customer about a hand-over to a person, in one place to translate.

Each language is one table of templates keyed by what the sentence is for; ``{when}`` is filled with a
phrase built from :class:`~engium.assistant.response_time.ReplyDue` by the same table's ``within_*``,
``by_*`` and ``opening_*`` templates and its day names. A language without a table, or a table without
a key, falls back to English, so adding a language is adding a table (the languages work, ADR 0038).
"""

from __future__ import annotations

from datetime import date, datetime

from engium.assistant.response_time import ReplyDue

ENGLISH: dict[str, str] = {
    # The hand-over itself, by reason (assistant/escalation.py's codes).
    "handover.customer_request": "Of course. I've asked a member of the team to take over; they'll reply here {when}.",
    "handover.keyword": "I've passed your message to a member of the team; they'll reply here {when}.",
    "handover.failed_turns": "Sorry I couldn't help with that. I've asked a member of the team to reply here {when}.",
    "handover.low_confidence": (
        "I'm not sure about that and would rather not guess, so I've asked a member of the team to reply here {when}."
    ),
    "handover.guard": "I've passed your message to a member of the team; they'll reply here {when}.",
    "handover.error": "Sorry, something went wrong on our side. A member of the team will reply here {when}.",
    # Added when the tenant's policy lets the assistant go on answering while the customer waits.
    "handover.keeps_answering": "In the meantime I can still help with opening hours, prices and bookings.",
    # Already with a person (keep-answering policies): asked for a person again, or another miss.
    "waiting.customer_request": "A member of the team already has your message and will reply here {when}.",
    "waiting.not_sure": (
        "I'm not sure about that, and I'd rather not guess. A member of the team has your message and will reply "
        "here {when}."
    ),
    "waiting.error": "Sorry, something went wrong on our side. A member of the team will reply here {when}.",
    # The one follow-up when nobody has replied in the tenant's time (assistant/follow_up.py).
    "follow_up": (
        "Sorry for the wait. Your message is still with our team, and a member of the team will reply here {when}."
    ),
    # {when} phrases.
    "soon": "as soon as they can",
    "within_minutes": "within about {minutes} minutes",
    "within_hour": "within about an hour",
    "within_hours": "within about {hours} hours",
    "within_hours_minutes": "within about {hours} h {minutes} min",
    "by_today": "by {time} today",
    "by_tomorrow": "by {time} tomorrow",
    "by_weekday": "by {weekday} at {time}",
    "by_date": "by {date} at {time}",
    "opening_today": "when we open today at {time}",
    "opening_tomorrow": "when we open tomorrow at {time}",
    "opening_weekday": "when we open on {weekday} at {time}",
    "opening_date": "when we open on {date} at {time}",
    "weekdays": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    "months": "January February March April May June July August September October November December",
    "date": "{day} {month}",
}
TEXTS: dict[str, dict[str, str]] = {"en": ENGLISH}


def text(key: str, language: str = "en", **values: object) -> str:
    table = TEXTS.get(language, ENGLISH)
    template = table.get(key, ENGLISH[key])
    return template.format(**values) if values else template


def _day_key(prefix: str, at: date, today: date, language: str) -> tuple[str, dict[str, object]]:
    days = (at - today).days
    if days <= 0:
        return f"{prefix}_today", {}
    if days == 1:
        return f"{prefix}_tomorrow", {}
    if days < 7:
        return f"{prefix}_weekday", {"weekday": text("weekdays", language).split()[at.weekday()]}
    month = text("months", language).split()[at.month - 1]
    return f"{prefix}_date", {"date": text("date", language, day=at.day, month=month)}


def _duration(minutes: int, language: str) -> str:
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return text("within_minutes", language, minutes=rest)
    if rest == 0:
        return text("within_hour", language) if hours == 1 else text("within_hours", language, hours=hours)
    return text("within_hours_minutes", language, hours=hours, minutes=rest)


def when_phrase(due: ReplyDue, now: datetime, language: str = "en") -> str:
    """"within about 2 hours", "by 10:30 tomorrow", "when we open on Tuesday at 09:00"."""
    if due.kind == "within":
        return _duration(due.minutes, language)
    today = now.astimezone(due.at.tzinfo).date()
    key, values = _day_key("by" if due.kind == "by" else "opening", due.at.date(), today, language)
    return text(key, language, time=f"{due.at:%H:%M}", **values)


def handover_message(reason: str, when: str, *, keeps_answering: bool, language: str = "en") -> str:
    reason = reason if f"handover.{reason}" in ENGLISH else "error"
    said = text(f"handover.{reason}", language, when=when)
    return f"{said} {text('handover.keeps_answering', language)}" if keeps_answering else said


def waiting_message(reason: str, when: str, language: str = "en") -> str:
    """Already with a person: the assistant says so instead of handing over again."""
    key = {"customer_request": "waiting.customer_request", "keyword": "waiting.customer_request",
           "error": "waiting.error"}.get(reason, "waiting.not_sure")
    return text(key, language, when=when)


def follow_up_message(when: str, language: str = "en") -> str:
    return text("follow_up", language, when=when)
