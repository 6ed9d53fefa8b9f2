"""Request and response bodies for services, staff, availability and bookings."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from engium.bookings.availability import WeeklyWindow, validate_week
from engium.bookings.currencies import CurrencyCode
from engium.kit.request_fields import (
    NUMBER_ONLY,
    EmailAddress,
    IsoDate,
    IsoDatetime,
    LocalMinute,
    LocalTime,
    WholeNumber,
    not_nullable,
)

BookingStatus = Literal["confirmed", "cancelled", "no_show"]
ExceptionKindField = Literal["closed", "open"]

# Fields a PATCH may not set to null: they are NOT NULL in the schema, so null can only be a mistake.
_NOT_NULLABLE_SERVICE = ("name", "description", "duration_minutes", "currency", "active")
_NOT_NULLABLE_STAFF = ("name", "active", "service_ids")


def _reject_nulls(values: dict[str, Any], fields: tuple[str, ...]) -> None:
    nulls = [f for f in fields if f in values and values[f] is None]
    if nulls:
        raise ValueError(f"{', '.join(nulls)} cannot be null")


# The years catalog.check_year allows (1900 to 9998), for the document.
_YEAR = r"(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
# A date in the calendar: the service refuses years outside that range.
CalendarDate = Annotated[IsoDate, WithJsonSchema({"type": "string", "format": "date", "pattern": f"^{_YEAR}-"})]
# A booking's start, with its year in the calendar's range; that it falls on a whole minute is a booking
# rule like working hours (422), not declared: a pattern for it leaves fuzzers too few date-times to try.
BookingStart = Annotated[
    IsoDatetime, WithJsonSchema({"type": "string", "format": "date-time", "pattern": f"^{_YEAR}-"})
]


# The constraints sit inside the type, not on the field: on a field typed "X | None" pydantic still checks
# them but writes them into the document under its own names (ge, le), which no client understands.
DurationMinutes = Annotated[int, Field(ge=5, le=1440), NUMBER_ONLY]
PriceCents = Annotated[int, Field(ge=0, le=2_000_000_000), NUMBER_ONLY]


def _whole_minute(value: time | None) -> time | None:
    """Times are wall-clock minutes in the business's zone; a zone or seconds would be silently dropped."""
    if value is None:
        return None
    if value.tzinfo is not None:
        raise ValueError("give a local time such as '09:00' without a UTC offset")
    if value.second or value.microsecond:
        raise ValueError("times are whole minutes, such as '09:30'")
    return value


class ServiceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    duration_minutes: DurationMinutes
    price_cents: PriceCents | None = Field(default=None, description="In minor units")
    currency: CurrencyCode = "USD"
    active: StrictBool = True


class ServiceUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable(*_NOT_NULLABLE_SERVICE))

    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    duration_minutes: DurationMinutes | None = None
    price_cents: PriceCents | None = Field(default=None, description="In minor units")
    currency: CurrencyCode | None = None
    active: StrictBool | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            _reject_nulls(data, _NOT_NULLABLE_SERVICE)
        return data


class ServiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    description: str
    duration_minutes: int
    price_cents: int | None
    # Not the request's enum: a code stored before the ISO 4217 check (migration 0001 checks only the shape).
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    active: bool
    created_at: datetime


class StaffCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    email: EmailAddress | None = None
    active: StrictBool = True
    service_ids: list[UUID] = Field(default_factory=list, max_length=500)


class StaffUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable(*_NOT_NULLABLE_STAFF))

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: EmailAddress | None = None
    active: StrictBool | None = None
    service_ids: list[UUID] | None = Field(default=None, max_length=500)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            _reject_nulls(data, _NOT_NULLABLE_STAFF)
        return data


class StaffOut(BaseModel):
    id: UUID
    name: str
    email: str | None
    active: bool
    service_ids: list[UUID]
    created_at: datetime


class AvailabilityWindow(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    weekday: WholeNumber = Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    start_time: LocalMinute = Field(description="Local wall time in the business's time zone, e.g. '09:00'")
    end_time: LocalMinute = Field(description="Local wall time, after start_time; windows cannot cross midnight")

    _minute = field_validator("start_time", "end_time")(_whole_minute)

    @model_validator(mode="after")
    def _ordered(self) -> AvailabilityWindow:
        if self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        return self


class WeeklyAvailability(BaseModel):
    """The whole week: PUT replaces every rule of the staff member with these."""

    model_config = ConfigDict(extra="forbid")

    rules: list[AvailabilityWindow] = Field(max_length=200)

    @model_validator(mode="after")
    def _no_overlaps(self) -> WeeklyAvailability:
        problems = validate_week([WeeklyWindow(r.weekday, r.start_time, r.end_time) for r in self.rules])
        if problems:
            raise ValueError("; ".join(problems))
        return self


class WeeklyAvailabilityOut(BaseModel):
    staff_id: UUID
    rules: list[AvailabilityWindow]


class ExceptionCreate(BaseModel):
    """closed without times = day off; closed with times = blocked window; open with times = extra hours."""

    model_config = ConfigDict(extra="forbid")

    on_date: CalendarDate
    kind: ExceptionKindField
    start_time: LocalMinute | None = Field(default=None, description="With end_time, or neither; 'open' needs both")
    end_time: LocalMinute | None = None
    note: str = Field(default="", max_length=500)

    _minute = field_validator("start_time", "end_time")(_whole_minute)

    @model_validator(mode="after")
    def _consistent(self) -> ExceptionCreate:
        if (self.start_time is None) != (self.end_time is None):
            raise ValueError("give both start_time and end_time, or neither")
        if self.start_time is None and self.kind == "open":
            raise ValueError("an 'open' exception needs start_time and end_time")
        if self.start_time is not None and self.end_time is not None and self.end_time <= self.start_time:
            raise ValueError("end_time must be after start_time")
        return self


class ExceptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    staff_id: UUID
    on_date: date
    kind: ExceptionKindField
    start_time: LocalTime | None
    end_time: LocalTime | None
    note: str


class SlotOut(BaseModel):
    staff_id: UUID
    starts_at: datetime
    ends_at: datetime


class SlotsOut(BaseModel):
    service_id: UUID
    date: date
    timezone: str
    slots: list[SlotOut]


class BookingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: UUID
    staff_id: UUID | None = Field(default=None, description="Omit to book any free staff member")
    contact_id: UUID
    starts_at: BookingStart = Field(description="With a UTC offset, on a whole minute: 2030-05-06T09:00:00-04:00")
    notes: str = Field(default="", max_length=2000)


class BookingUpdate(BaseModel):
    """Reschedule (starts_at and/or staff_id) or edit notes."""

    model_config = ConfigDict(extra="forbid")

    starts_at: BookingStart | None = None
    staff_id: UUID | None = None
    notes: str | None = Field(default=None, max_length=2000)


class BookingOut(BaseModel):
    id: UUID
    service_id: UUID
    staff_id: UUID
    contact_id: UUID
    starts_at: datetime
    ends_at: datetime
    status: BookingStatus
    notes: str
    created_at: datetime
    cancelled_at: datetime | None
    # Migration 0035: the customer confirmed from a reminder; staff marked them a no-show.
    customer_confirmed_at: datetime | None = None
    no_show_at: datetime | None = None
