"""ICS (RFC 5545) text: writing a feed of bookings, and reading busy time out of someone else's calendar.

Reading goes through the ``icalendar`` package, which copes with what real calendars send (folding, time
zones, parameters); writing is a fixed shape written here (see :func:`render_feed`). Recurrences are expanded
with ``dateutil.rrule`` (which ``icalendar`` itself depends on), within the import's horizon only and up to a
fixed number of instances, so a ``FREQ=SECONDLY`` rule without an end cannot make an import run away.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

PRODUCT_ID = "-//Engium//Calendar feed//EN"
UID_DOMAIN = "engium"
FOLD_OCTETS = 75
# Caps on what one import may produce: beyond them the calendar is refused, not silently cut.
MAX_EVENTS = 5000
MAX_SPANS = 5000
MAX_INSTANCES_PER_RULE = 1000


class CalendarUnreadable(ValueError):
    """The text is not a calendar this import can use. The message is for the business and names the rule,
    never the calendar's content."""


@dataclass(frozen=True)
class FeedEvent:
    booking_id: UUID
    starts_at: datetime
    ends_at: datetime
    summary: str
    created_at: datetime


def render_feed(name: str, events: Iterable[FeedEvent], now: datetime) -> bytes:
    """A VCALENDAR of the events, times in UTC, each with a UID that stays the same for the booking's life
    (a calendar client then updates a moved booking instead of showing it twice).

    Written by hand rather than through ``icalendar``'s object model, which took milliseconds per event (a
    feed of 5,000 bookings took seconds): the shape is fixed, and only the summary and the calendar's name
    carry free text, which :func:`_text` escapes and :func:`_folded` folds as RFC 5545 3.3.11 and 3.1 ask.
    The tests read every feed back with ``icalendar``'s parser."""
    stamp = _utc(now)
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODUCT_ID}", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             # X-WR-CALNAME (what Google, Apple and Outlook show) is not TEXT but an unknown type that parsers
             # take verbatim: no escaping, only line breaks replaced, so the name cannot start a property.
             f"X-WR-CALNAME:{_one_line(name)}"]
    for item in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.booking_id}@{UID_DOMAIN}",
            f"DTSTAMP:{stamp}",
            f"CREATED:{_utc(item.created_at)}",
            f"DTSTART:{_utc(item.starts_at)}",
            f"DTEND:{_utc(item.ends_at)}",
            f"SUMMARY:{_text(item.summary)}",
            "STATUS:CONFIRMED",
            "TRANSP:OPAQUE",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(_folded(line) for line in lines)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped; other control
    characters, which TEXT may not hold, dropped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return "".join(c for c in value if c == "\t" or (ord(c) >= 0x20 and ord(c) != 0x7F))


def _one_line(value: str) -> str:
    return "".join(c if ord(c) >= 0x20 and ord(c) != 0x7F else " " for c in value)


def _folded(line: str) -> bytes:
    """One content line as UTF-8 with CRLF, folded so no physical line exceeds 75 octets (RFC 5545 3.1),
    never inside a multi-byte character."""
    encoded = line.encode("utf-8")
    if len(encoded) <= FOLD_OCTETS:
        return encoded + b"\r\n"
    parts: list[bytes] = []
    current = b""
    limit = FOLD_OCTETS
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > limit:
            parts.append(current)
            current, limit = b"", FOLD_OCTETS - 1  # a continuation line starts with one space
        current += piece
    parts.append(current)
    return b"\r\n ".join(parts) + b"\r\n"


# --- reading busy time ------------------------------------------------------------------------------


def _instant(value: Any, zone: ZoneInfo) -> datetime:
    """A DTSTART/DTEND value as a UTC instant: a date is local midnight in the business's zone, a floating
    time (no zone) is read in that zone too, as RFC 5545 says floating times follow the viewer."""
    if isinstance(value, datetime):
        local = value if value.tzinfo is not None else value.replace(tzinfo=zone)
        return local.astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time.min, tzinfo=zone).astimezone(UTC)
    raise CalendarUnreadable("An event has a start or end that is not a date or a time")


def _length(event: icalendar.Event, start: date | datetime) -> timedelta:
    if "dtend" in event:
        end = event.decoded("dtend")
        if not isinstance(end, date) or isinstance(end, datetime) != isinstance(start, datetime):
            raise CalendarUnreadable("An event's end is not of the same kind as its start")
        if isinstance(start, datetime) and isinstance(end, datetime):
            if (start.tzinfo is None) != (end.tzinfo is None):
                return _naive(end) - _naive(start)
            return end - start
        return end - start
    if "duration" in event:
        duration = event.decoded("duration")
        if not isinstance(duration, timedelta):
            raise CalendarUnreadable("An event's duration is not valid")
        return duration
    # RFC 5545 3.6.1: without either, a date lasts one day and a time takes no time.
    return timedelta(days=1) if not isinstance(start, datetime) else timedelta(0)


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None)


def _excluded(event: icalendar.Event) -> set[Any]:
    found: set[Any] = set()
    raw = event.get("exdate")
    for group in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        for item in getattr(group, "dts", []):
            found.add(item.dt)
    return found


def _starts(event: icalendar.Event, start: date | datetime, until: datetime) -> Iterator[date | datetime]:
    """The event's start, or every start of its recurrence up to ``until`` (capped), minus EXDATEs."""
    rule = event.get("rrule")
    if rule is None:
        yield start
        return
    anchor = start if isinstance(start, datetime) else datetime.combine(start, time.min)
    try:
        recurrence = rrulestr(rule.to_ical().decode("ascii"), dtstart=anchor, forceset=True)
    except (ValueError, TypeError) as exc:
        raise CalendarUnreadable("An event repeats by a rule that could not be read") from exc
    excluded = _excluded(event)
    limit = until if anchor.tzinfo is not None else _naive(until)
    for count, moment in enumerate(recurrence):
        if count >= MAX_INSTANCES_PER_RULE or moment >= limit:
            return
        value: date | datetime = moment if isinstance(start, datetime) else moment.date()
        if value not in excluded:
            yield value


def busy_spans(
    data: bytes, zone: ZoneInfo, window_start: datetime, window_end: datetime
) -> list[tuple[datetime, datetime]]:
    """Busy UTC spans in [window_start, window_end) of a calendar's events, sorted and merged.

    Skipped: cancelled events and those marked free (``TRANSP:TRANSPARENT``). A moved instance of a
    repeating event (``RECURRENCE-ID``) replaces the instance it names."""
    try:
        calendar = icalendar.Calendar.from_ical(_busy_lines_only(data))
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise CalendarUnreadable("The address did not return an iCalendar (ICS) file that could be read") from exc
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        raise CalendarUnreadable("The address did not return an iCalendar (ICS) file")
    events = [e for e in calendar.walk("VEVENT") if isinstance(e, icalendar.Event)]
    if len(events) > MAX_EVENTS:
        raise CalendarUnreadable(f"The calendar has more than {MAX_EVENTS} events; import a smaller one")
    moved = {(str(e.get("uid")), _instant(e.decoded("recurrence-id"), zone)) for e in events if "recurrence-id" in e}
    spans: list[tuple[datetime, datetime]] = []
    for event in events:
        if str(event.get("status", "")).upper() == "CANCELLED" or str(event.get("transp", "")).upper() == "TRANSPARENT":
            continue
        try:
            start = event.decoded("dtstart")
        except KeyError:
            continue  # RFC 5545 requires DTSTART; an event without one says nothing about when
        if not isinstance(start, date):
            raise CalendarUnreadable("An event has a start that is not a date or a time")
        length = _length(event, start)
        if length <= timedelta(0):
            continue
        uid = str(event.get("uid"))
        recurring = "rrule" in event
        for begin in _starts(event, start, window_end):
            begins = _instant(begin, zone)
            if recurring and (uid, begins) in moved:
                continue
            # All-day events last whole local days, whatever the DST change in between.
            ends = (_instant(begin + length, zone) if not isinstance(begin, datetime)
                    else begins + length if begin.tzinfo is not None
                    else _instant(begin + length, zone))
            if ends > window_start and begins < window_end:
                spans.append((max(begins, window_start), min(ends, window_end)))
                if len(spans) > MAX_SPANS:
                    raise CalendarUnreadable(f"The calendar has more than {MAX_SPANS} busy times in the next weeks")
    return _merged(spans)


# What an event needs to say when it is busy; the rest (summary, description, location, attendees) is dropped
# before parsing: it is never stored, and parsing it was most of the work (icalendar parses every line).
_BUSY_PROPERTIES = frozenset({"BEGIN", "END", "UID", "DTSTART", "DTEND", "DURATION", "RRULE", "EXDATE",
                              "RECURRENCE-ID", "STATUS", "TRANSP"})
_FOLD = re.compile(r"\r?\n[ \t]")
_NAME_END = re.compile(r"[;:]")


def _busy_lines_only(data: bytes) -> bytes:
    """The calendar unfolded (RFC 5545 3.1), with only :data:`_BUSY_PROPERTIES` kept inside events; time zone
    definitions and everything outside events are kept whole."""
    text = _FOLD.sub("", data.decode("utf-8", errors="replace"))
    kept: list[str] = []
    events_open = 0
    for line in text.replace("\r\n", "\n").split("\n"):
        name = _NAME_END.split(line, maxsplit=1)[0].strip().upper()
        value = line.split(":", 1)[-1].strip().upper()
        if name == "BEGIN" and value == "VEVENT":
            events_open += 1
        elif name == "END" and value == "VEVENT":
            events_open = max(0, events_open - 1)
        elif events_open and name not in _BUSY_PROPERTIES:
            continue
        kept.append(line)
    return "\r\n".join(kept).encode("utf-8")


def _merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
