"""Closure dates and opening hours against staff hours, as pure rules (no database, no clock)."""

from __future__ import annotations

import uuid
from datetime import date, time

from engium.bookings.closure_rules import ClosureRule, coverage_gaps, governing, intersect, span_problems


def closure(label: str, start: date, end: date | None = None, *, yearly: bool = False,
            hours: tuple[int, int] | None = None) -> ClosureRule:
    opens, closes = (time(hours[0]), time(hours[1])) if hours else (None, None)
    return ClosureRule(uuid.uuid4(), label, start, end or start, opens, closes, yearly)


def test_a_one_off_closure_covers_its_dates_only() -> None:
    refit = closure("Refit", date(2030, 3, 10), date(2030, 3, 12))
    assert [refit.covers(date(2030, 3, d)) for d in (9, 10, 11, 12, 13)] == [False, True, True, True, False]
    assert not refit.covers(date(2031, 3, 11))


def test_a_yearly_closure_comes_back_every_year_from_its_first_year_on() -> None:
    christmas = closure("Christmas Day", date(2025, 12, 25), yearly=True)
    assert christmas.covers(date(2025, 12, 25))
    assert christmas.covers(date(2031, 12, 25))
    assert not christmas.covers(date(2024, 12, 25))  # before it was first set
    assert not christmas.covers(date(2031, 12, 26))


def test_a_yearly_range_across_new_year_covers_both_sides() -> None:
    holidays = closure("Winter break", date(2025, 12, 31), date(2026, 1, 2), yearly=True)
    assert holidays.covers(date(2029, 12, 31))
    assert holidays.covers(date(2030, 1, 2))
    assert not holidays.covers(date(2030, 1, 3))
    assert not holidays.covers(date(2025, 1, 1))  # the occurrence of 2024 never existed


def test_a_leap_day_closure_falls_on_the_28th_in_common_years() -> None:
    leap = closure("Leap day", date(2028, 2, 29), yearly=True)
    assert leap.covers(date(2029, 2, 28))
    assert leap.covers(date(2032, 2, 29))
    assert not leap.covers(date(2032, 2, 28))


def test_a_whole_day_closure_beats_special_hours_and_the_narrower_range_wins() -> None:
    day = date(2030, 12, 24)
    december = closure("December hours", date(2030, 12, 1), date(2030, 12, 31), hours=(10, 16))
    eve = closure("Christmas Eve", day, hours=(9, 14))
    assert governing([december, eve], day) == eve
    shut = closure("Stocktake", day)
    assert governing([december, eve, shut], day) == shut
    assert governing([december], date(2031, 1, 1)) is None


def test_impossible_spans_are_explained() -> None:
    assert span_problems(date(2030, 1, 2), date(2030, 1, 1), False, None, None) == [
        "end_date 2030-01-01 is before start_date 2030-01-02"
    ]
    assert "at most 366 days after" in span_problems(date(2030, 1, 1), date(2031, 6, 1), False, None, None)[0]
    assert "repeats yearly" in span_problems(date(2030, 1, 1), date(2031, 1, 1), True, None, None)[0]
    assert "both opens_at and closes_at" in span_problems(date(2030, 1, 1), date(2030, 1, 1), False, time(9), None)[0]
    assert span_problems(date(2030, 1, 1), date(2030, 1, 1), False, time(14), time(9)) == [
        "closes_at 09:00 must be after opens_at 14:00"
    ]
    assert span_problems(date(2030, 1, 1), date(2030, 12, 31), False, time(9), time(14)) == []


def test_opening_hours_that_nobody_works_are_reported_per_weekday() -> None:
    declared = {3: [(time(9), time(20))], 5: [(time(9), time(17))], 6: []}
    staffed = {3: [(time(9), time(12)), (time(13), time(17))], 5: [(time(8), time(18))]}
    gaps = coverage_gaps(declared, staffed)
    assert [gap.message for gap in gaps] == [
        "Thursday: open 09:00-20:00, but no staff work 12:00-13:00 and 17:00-20:00"
    ]
    assert intersect(declared[3], staffed[3]) == [(time(9), time(12)), (time(13), time(17))]
    assert intersect(declared[5], staffed[5]) == [(time(9), time(17))]
