"""The period an evidence archive covers: whole UTC days, both ends included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError(f"the window ends ({self.last_day}) before it starts ({self.first_day})")
        if self.last_day >= date.max:
            raise ValueError("the window must end before 9999-12-31")

    @classmethod
    def parse(cls, first: str, last: str) -> Window:
        """``YYYY-MM-DD`` texts; raises ``ValueError`` with a message an operator can act on."""
        return cls(_day(first, "--from"), _day(last, "--to"))

    @property
    def start(self) -> datetime:
        """Inclusive: midnight UTC at the start of the first day."""
        return datetime.combine(self.first_day, time(0), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight UTC after the last day."""
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def contains(self, moment: datetime | None) -> bool:
        return moment is not None and self.start <= moment < self.end

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat(),
                "start": self.start.isoformat(), "end_exclusive": self.end.isoformat()}


def _day(value: str, option: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{option} must be a date as YYYY-MM-DD, not {value!r}") from None
