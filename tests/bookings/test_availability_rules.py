"""Unit rules of the pure slot arithmetic (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from engium.bookings.availability import (
    DateException,
    Interval,
    WeeklyWindow,
    day_bounds,
    free_slots,
    grid_step,
    is_bookable,
    validate_week,
    wall_clock_windows,
    working_intervals,
)

MONDAY = date(2030, 1, 7)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
NEW_YORK = ZoneInfo("America/New_York")
WEEK = [WeeklyWindow(0, time(9), time(12)), WeeklyWindow(0, time(12), time(17)), WeeklyWindow(1, time(8), time(9))]


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def test_touching_windows_merge_and_only_that_weekday_counts() -> None:
    assert wall_clock_windows(MONDAY, WEEK, []) == [(9 * 60, 17 * 60)]


def test_exception_precedence() -> None:
    day_off = DateException("closed")
    extra = DateException("open", time(18), time(20))
    lunch = DateException("closed", time(12), time(13))
    assert wall_clock_windows(MONDAY, WEEK, [day_off]) == []
    assert wall_clock_windows(MONDAY, WEEK, [day_off, extra]) == [(18 * 60, 20 * 60)]
    assert wall_clock_windows(MONDAY, WEEK, [lunch, extra]) == [(540, 720), (780, 1020), (1080, 1200)]
    assert wall_clock_windows(MONDAY, [], [DateException("open", time(7), time(8))]) == [(420, 480)]


def test_slots_avoid_busy_time_and_the_past() -> None:
    working = working_intervals(MONDAY, ZoneInfo("UTC"), WEEK, [])
    busy = [Interval(_utc(MONDAY, 10), _utc(MONDAY, 11))]
    found = free_slots(working=working, duration=timedelta(hours=1), busy=busy, now=_utc(MONDAY, 9, 10))
    starts = [s.start for s in found]
    assert starts[0] == _utc(MONDAY, 11)  # 09:00 is past; 09:15..10:45 all overlap the busy hour
    assert starts[-1] == _utc(MONDAY, 16)
    assert _utc(MONDAY, 9, 15) not in starts


def test_grid_is_fifteen_minutes_or_the_shorter_duration() -> None:
    assert grid_step(timedelta(minutes=90)) == timedelta(minutes=15)
    assert grid_step(timedelta(minutes=5)) == timedelta(minutes=5)


def test_is_bookable_needs_one_window_to_hold_the_whole_slot() -> None:
    working = [Interval(_utc(MONDAY, 9), _utc(MONDAY, 12)), Interval(_utc(MONDAY, 13), _utc(MONDAY, 17))]
    assert is_bookable(Interval(_utc(MONDAY, 11), _utc(MONDAY, 12)), working=working, busy=[], now=LONG_AGO)
    assert not is_bookable(Interval(_utc(MONDAY, 11, 30), _utc(MONDAY, 13, 30)), working=working, busy=[], now=LONG_AGO)
    late = datetime(2031, 1, 1, tzinfo=UTC)
    assert not is_bookable(Interval(_utc(MONDAY, 9), _utc(MONDAY, 10)), working=working, busy=[], now=late)


def test_dst_days_are_23_and_25_hours_long() -> None:
    spring, autumn = date(2030, 3, 10), date(2030, 11, 3)
    assert (lambda b: b.end - b.start)(day_bounds(spring, NEW_YORK)) == timedelta(hours=23)
    assert (lambda b: b.end - b.start)(day_bounds(autumn, NEW_YORK)) == timedelta(hours=25)


def test_a_window_starting_inside_the_spring_gap_starts_when_clocks_resume() -> None:
    spring = date(2030, 3, 10)
    [window] = working_intervals(spring, NEW_YORK, [WeeklyWindow(6, time(2, 30), time(5))], [])
    assert window.start.astimezone(NEW_YORK).strftime("%H:%M%z") == "03:30-0400"
    assert window.end - window.start == timedelta(hours=1, minutes=30)


def test_week_validation_names_each_problem() -> None:
    problems = validate_week(
        [
            WeeklyWindow(2, time(9), time(12)),
            WeeklyWindow(2, time(11), time(13)),
            WeeklyWindow(3, time(10), time(9)),
            WeeklyWindow(8, time(9), time(10)),
        ]
    )
    assert any("overlaps" in p and "weekday 2" in p for p in problems)
    assert any("weekday 3" in p and "after" in p for p in problems)
    assert any("weekday 8" in p for p in problems)
    assert validate_week(WEEK) == []
