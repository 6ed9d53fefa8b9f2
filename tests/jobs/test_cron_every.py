"""`cron_every` turns an interval into the cron expression procrastinate's periodic deferrer reads:
fired at least that often, never more than once a second."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import croniter
import pytest

from engium.kit.jobs import cron_every

START = dt.datetime(2026, 12, 4, 19, 27, 13, tzinfo=dt.UTC)


def fire_times(expression: str, fires: int) -> list[float]:
    schedule = croniter.croniter(expression, START)
    return [schedule.get_next(float) for _ in range(fires)]


def gaps(expression: str, fires: int) -> list[float]:
    times = fire_times(expression, fires)
    return [later - earlier for earlier, later in pairwise(times)]


@pytest.mark.parametrize("seconds", [1, 2, 5, 15, 30, 60, 120, 300, 3600, 7200, 86400])
def test_fires_every_interval_that_divides_the_minute_hour_or_day(seconds: int) -> None:
    assert set(gaps(cron_every(seconds), 200)) == {seconds}


@pytest.mark.parametrize("seconds", [7, 45, 90, 5400])
def test_an_interval_that_does_not_divide_is_never_exceeded(seconds: int) -> None:
    observed = gaps(cron_every(seconds), 200)
    assert max(observed) <= seconds
    assert min(observed) >= 1


def test_a_seconds_interval_fires_in_every_minute() -> None:
    # The bug this guards against: a seconds step in the first field means "every other minute".
    fired_minutes = sorted({int(t // 60) for t in fire_times(cron_every(2), 120)})
    assert fired_minutes == list(range(fired_minutes[0], fired_minutes[0] + len(fired_minutes)))


def test_more_than_once_a_second_is_refused() -> None:
    with pytest.raises(ValueError, match="once a second"):
        cron_every(0.5)

