"""Reading busy time out of ICS text: time zones, floating times, all-day events, recurrences and their
exceptions, and the limits that keep a hostile calendar from running away."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from engium.calendars import ics
from tests.calendars.conftest import vcalendar

BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2030, 1, 1, tzinfo=UTC)
END = START + timedelta(days=60)


def spans(data: bytes, zone: ZoneInfo = BERLIN) -> list[tuple[str, str]]:
    return [(a.strftime("%m-%d %H:%M"), b.strftime("%m-%d %H:%M")) for a, b in ics.busy_spans(data, zone, START, END)]


def test_a_time_with_a_zone_is_converted_and_a_floating_time_is_read_in_the_business_zone() -> None:
    data = vcalendar(
        "UID:a\nDTSTART;TZID=America/New_York:20300102T090000\nDTEND;TZID=America/New_York:20300102T100000",
        "UID:b\nDTSTART:20300103T090000\nDTEND:20300103T093000",
    )

    assert spans(data) == [("01-02 14:00", "01-02 15:00"), ("01-03 08:00", "01-03 08:30")]


def test_an_all_day_event_blocks_the_local_day() -> None:
    assert spans(vcalendar("UID:a\nDTSTART;VALUE=DATE:20300105")) == [("01-04 23:00", "01-05 23:00")]


def test_a_moved_instance_replaces_the_one_it_names_and_overlaps_merge() -> None:
    data = vcalendar(
        "UID:w\nDTSTART:20300107T100000Z\nDTEND:20300107T110000Z\nRRULE:FREQ=WEEKLY;COUNT=2",
        "UID:w\nRECURRENCE-ID:20300114T100000Z\nDTSTART:20300114T150000Z\nDTEND:20300114T160000Z",
        "UID:x\nDTSTART:20300107T103000Z\nDTEND:20300107T113000Z",
    )

    assert spans(data) == [("01-07 10:00", "01-07 11:30"), ("01-14 15:00", "01-14 16:00")]


def test_an_endless_rule_is_expanded_within_the_window_and_capped() -> None:
    daily = spans(vcalendar("UID:d\nDTSTART:20291201T080000Z\nDURATION:PT1H\nRRULE:FREQ=DAILY"))
    assert len(daily) == 60
    assert daily[0] == ("01-01 08:00", "01-01 09:00")
    secondly = vcalendar("UID:s\nDTSTART:20300101T000000Z\nDURATION:PT1S\nRRULE:FREQ=MINUTELY;INTERVAL=2")
    assert len(ics.busy_spans(secondly, BERLIN, START, END)) == ics.MAX_INSTANCES_PER_RULE


@pytest.mark.parametrize("data", [
    b"",
    b"not a calendar",
    b"BEGIN:VEVENT\r\nDTSTART:20300101T000000Z\r\nEND:VEVENT\r\n",
    vcalendar("UID:a\nDTSTART:20300101T000000Z\nDURATION:PT1H\nRRULE:FREQ=NEVERLY"),
    vcalendar("UID:a\nDTSTART;VALUE=DATE:20300101\nDTEND:20300102T100000Z"),
])
def test_what_is_not_a_usable_calendar_is_refused_with_a_message(data: bytes) -> None:
    with pytest.raises(ics.CalendarUnreadable):
        ics.busy_spans(data, BERLIN, START, END)


def test_a_calendar_with_too_many_events_is_refused() -> None:
    events = [f"UID:{i}\nDTSTART:20300101T000000Z\nDURATION:PT1M" for i in range(ics.MAX_EVENTS + 1)]

    with pytest.raises(ics.CalendarUnreadable, match="more than"):
        ics.busy_spans(vcalendar(*events), BERLIN, START, END)


def test_a_feed_escapes_and_folds_text_so_a_calendar_parser_reads_it_back_exactly() -> None:
    awkward = "Colour; cut, \\ blow-dry\nwith Zoë 🌸 " + "é" * 60
    event = ics.FeedEvent(uuid.uuid4(), START, START + timedelta(minutes=45), awkward, START)

    data = ics.render_feed("Salon, Main St; \"front\"\r\nX-INJECTED:1", [event], START)

    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["x-wr-calname"]) == "Salon, Main St; \"front\"  X-INJECTED:1"
    assert "x-injected" not in calendar
    [parsed] = calendar.walk("VEVENT")
    assert str(parsed["summary"]) == awkward
    assert str(parsed["uid"]) == f"{event.booking_id}@engium"
    assert parsed.decoded("dtstart") == START
    assert parsed.decoded("dtend") == START + timedelta(minutes=45)


def test_an_outlook_style_calendar_with_its_own_time_zone_alarms_and_folded_text_is_read() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:Microsoft Exchange Server 2010\r\n"
        b"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\n"
        b"BEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n"
        b"RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10\r\nEND:STANDARD\r\n"
        b"BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
        b"RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        b"BEGIN:VEVENT\r\nDESCRIPTION:Agenda: DTSTART:20300101T000000Z is not a property\\, and this line is\r\n"
        b"  folded: DTEND:20300102T000000Z\r\nUID:040000008200E00074C5B7101A82E008\r\n"
        b"SUMMARY;LANGUAGE=de-DE:Zahnarzt\r\nATTENDEE;CN=Sam:mailto:sam@example.com\r\n"
        b"DTSTART;TZID=W. Europe Standard Time:20300110T090000\r\n"
        b"DTEND;TZID=W. Europe Standard Time:20300110T100000\r\n"
        b"BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    assert spans(data) == [("01-10 08:00", "01-10 09:00")]
