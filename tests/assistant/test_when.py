"""Dates and times in customers' words, read in the business's calendar (today is given, never read)."""

from __future__ import annotations

from datetime import date, time

import pytest

from engium.assistant.when import When, describe_day, parse_time, parse_when

WEDNESDAY = date(2030, 5, 1)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2030, 5, 1)),
        ("tonight", date(2030, 5, 1)),
        ("tomorrow", date(2030, 5, 2)),
        ("the day after tomorrow", date(2030, 5, 3)),
        ("Saturday", date(2030, 5, 4)),
        ("sat", date(2030, 5, 4)),
        ("on Wednesday", date(2030, 5, 1)),  # a weekday name that is today means today
        ("next wednesday", date(2030, 5, 8)),  # "next" skips today
        ("Monday", date(2030, 5, 6)),
        ("2030-06-15", date(2030, 6, 15)),
        ("Nov 28", date(2030, 11, 28)),
        ("November 28th", date(2030, 11, 28)),
        ("28th of November", date(2030, 11, 28)),
        ("28 nov 2031", date(2031, 11, 28)),
        ("28/11", date(2030, 11, 28)),  # day first, as most of the world writes it
        ("11/28", date(2030, 11, 28)),  # month first only when day first is impossible
        ("5/4", date(2031, 4, 5)),  # 5 April has passed this year: next year's
        ("28/11/2031", date(2031, 11, 28)),
        ("Apr 2", date(2031, 4, 2)),  # a past month and day means next year
    ],
)
def test_dates(text: str, expected: date) -> None:
    assert parse_when(text, WEDNESDAY).day == expected


@pytest.mark.parametrize("text", ["soon", "31/02", "2030-02-30", "whenever suits", "in a bit", ""])
def test_what_is_not_a_date_stays_unknown(text: str) -> None:
    assert parse_when(text, WEDNESDAY).day is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10am", time(10)), ("10 am", time(10)), ("at 10", time(10)), ("book saturday at 11.", time(11)),
        ("at 11.30", time(11, 30)), ("10:30", time(10, 30)),
        ("3pm", time(15)), ("15:00", time(15)), ("10.30", time(10, 30)), ("12pm", time(12)),
        ("12am", time(0)), ("noon", time(12)), ("midday", time(12)), ("at 3", time(15)),
        ("around 11", time(11)), ("10", time(10)), ("9 please", time(9)), ("2:15 pm", time(14, 15)),
        ("15h", time(15)), ("@ 4", time(16)),
    ],
)
def test_times(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2 haircuts please", "for 2 people", "it costs £30", "a 30 minute cut", "25:00", "13pm", "room 101", "at 0"],
)
def test_numbers_that_are_not_times_stay_unknown(text: str) -> None:
    assert parse_time(text) is None


def test_a_date_is_never_read_again_as_a_time() -> None:
    assert parse_when("28/11 at 3pm", WEDNESDAY) == When(date(2030, 11, 28), time(15))
    assert parse_when("2030-06-15", WEDNESDAY) == When(date(2030, 6, 15), None)
    assert parse_when("Can I get a haircut Saturday at 10?", WEDNESDAY) == When(date(2030, 5, 4), time(10))
    assert parse_when("book a haircut Saturday 10:00", WEDNESDAY) == When(date(2030, 5, 4), time(10))


def test_days_are_read_back_in_words() -> None:
    assert describe_day(date(2030, 5, 1), WEDNESDAY) == "today (Wednesday 1 May)"
    assert describe_day(date(2030, 5, 2), WEDNESDAY) == "tomorrow (Thursday 2 May)"
    assert describe_day(date(2030, 5, 4), WEDNESDAY) == "Saturday 4 May"
    assert describe_day(date(2031, 1, 3), WEDNESDAY) == "Friday 3 January 2031"


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("are you open on christmas day?", WEDNESDAY, date(2030, 12, 25)),
        ("Christmas Eve at 10", WEDNESDAY, date(2030, 12, 24)),
        ("boxing day", WEDNESDAY, date(2030, 12, 26)),
        ("open over xmas?", WEDNESDAY, date(2030, 12, 25)),
        # The next one: after this year's, next year's.
        ("christmas day?", date(2030, 12, 26), date(2031, 12, 25)),
        ("new year's day", date(2030, 12, 26), date(2031, 1, 1)),
        ("new years eve", WEDNESDAY, date(2030, 12, 31)),
    ],
)
def test_fixed_date_holidays_are_their_next_date(text: str, today: date, expected: date) -> None:
    assert parse_when(text, today).day == expected


def test_a_holidays_time_is_still_read() -> None:
    assert parse_when("christmas eve at 10", WEDNESDAY) == When(date(2030, 12, 24), time(10))
