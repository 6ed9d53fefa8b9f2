"""Request and response bodies for business closures and for the opening-hours check (ADR 0036)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator, model_validator

from engium.bookings.schemas import CalendarDate, _whole_minute
from engium.kit.request_fields import NOT_BLANK_PATTERN, LocalMinute, LocalTime, not_nullable

_NOT_NULLABLE = ("label", "start_date", "end_date", "repeats_yearly")
LABEL_DESCRIPTION = "What customers are told, such as 'Christmas Day'"


class ClosureCreate(BaseModel):
    """Closed all day on these dates, or open only opens_at-closes_at (special hours)."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=100, pattern=NOT_BLANK_PATTERN, description=LABEL_DESCRIPTION)
    start_date: CalendarDate = Field(description="First local date of the closure")
    end_date: CalendarDate | None = Field(
        default=None, description="Last local date, on or after start_date; omitted: the one day"
    )
    opens_at: LocalMinute | None = Field(default=None, description="Special hours: with closes_at, or neither")
    closes_at: LocalMinute | None = None
    repeats_yearly: StrictBool = Field(default=False, description="Comes back on the same dates every year")

    _minute = field_validator("opens_at", "closes_at")(_whole_minute)

    @model_validator(mode="after")
    def _one_day_by_default(self) -> ClosureCreate:
        if self.end_date is None:
            self.end_date = self.start_date
        return self


class ClosureUpdate(BaseModel):
    """Only the fields given change; send opens_at and closes_at as null to close the whole day."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable(*_NOT_NULLABLE))

    label: str | None = Field(default=None, min_length=1, max_length=100, pattern=NOT_BLANK_PATTERN)
    start_date: CalendarDate | None = None
    end_date: CalendarDate | None = None
    opens_at: LocalMinute | None = None
    closes_at: LocalMinute | None = None
    repeats_yearly: StrictBool | None = None

    _minute = field_validator("opens_at", "closes_at")(_whole_minute)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            nulls = [f for f in _NOT_NULLABLE if f in data and data[f] is None]
            if nulls:
                raise ValueError(f"{', '.join(nulls)} cannot be null")
        return data


class ClosureOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    label: str
    start_date: date
    end_date: date
    opens_at: LocalTime | None
    closes_at: LocalTime | None
    repeats_yearly: bool
    closed_all_day: bool
    created_at: datetime
    updated_at: datetime


class HoursSpan(BaseModel):
    opens: LocalTime
    closes: LocalTime


class WeekdayCoverage(BaseModel):
    weekday: int = Field(description="0 = Monday ... 6 = Sunday")
    open: list[HoursSpan] = Field(description="The opening hours in settings")
    staffed: list[HoursSpan] = Field(description="When at least one active staff member works")
    appointments: list[HoursSpan] = Field(description="Open and staffed: when appointments can be booked")


# "09:00-18:00" or "closed": the shape the settings page writes and the assistant reads.
DAY_HOURS_PATTERN = r"^(closed|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9])$"
DayHoursText = Annotated[str, Field(pattern=DAY_HOURS_PATTERN, description="'09:00-18:00' or 'closed'")]
DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class OpeningHoursUpdate(BaseModel):
    """The whole week (a day left out is closed); saved into settings.opening_hours."""

    model_config = ConfigDict(extra="forbid")

    mon: DayHoursText = "closed"
    tue: DayHoursText = "closed"
    wed: DayHoursText = "closed"
    thu: DayHoursText = "closed"
    fri: DayHoursText = "closed"
    sat: DayHoursText = "closed"
    sun: DayHoursText = "closed"

    @model_validator(mode="after")
    def _closes_after_opening(self) -> OpeningHoursUpdate:
        for key in DAY_KEYS:
            value: str = getattr(self, key)
            opens, _, closes = value.partition("-")
            if closes and closes <= opens:
                raise ValueError(f"{key}: closing time {closes} must be after opening time {opens}")
        return self


class HoursCheckOut(BaseModel):
    """Opening hours against staff hours: accepted either way, with a warning for every unstaffed gap."""

    opening_hours: dict[str, Any] = Field(description="As saved in settings")
    timezone: str
    days: list[WeekdayCoverage]
    warnings: list[str]


class DayHoursOut(BaseModel):
    """What one local date looks like to a customer: closure first, then the weekly hours."""

    date: date
    open: bool
    hours: list[HoursSpan] = Field(description="When the business is open that day")
    appointments: list[HoursSpan] = Field(description="When appointments can be booked that day")
    closure: ClosureOut | None
