"""Request and response shapes of calendar feeds and calendar imports."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool

from engium.conversations.schemas import NotBlank, Stripped, check_not_blank

Label = Annotated[str, Field(min_length=1, max_length=200), NotBlank, AfterValidator(check_not_blank), Stripped]


class CalendarFeedCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Label = Field(description="What the feed is for, e.g. 'Sam's phone'")
    staff_id: UUID | None = Field(default=None, description="One staff member's bookings; null: the whole business's")
    # Strict: 0 or "yes" is refused (422) rather than read as a choice about customers' personal data.
    include_customer_names: StrictBool = Field(
        default=False,
        description="Put the customer's name in each event's title. Off by default: a feed URL ends up in "
                    "calendar apps and their sync services, so it carries the service and staff member only.")


class CalendarFeedOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    label: str
    staff_id: UUID | None
    include_customer_names: bool
    created_at: datetime


class CalendarFeedCreated(CalendarFeedOut):
    url: str = Field(description="The feed's private address. Shown this once: only a hash of it is stored. "
                                 "Anyone holding it can read the feed; delete the feed to revoke it.")


class CalendarImportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: UUID = Field(description="Whose calendar it is: its busy times block this staff member's slots")
    url: str = Field(min_length=8, max_length=2000, pattern=r"^[hH][tT][tT][pP][sS]?://",
                     description="The calendar's private ICS address (Google: 'Secret address in iCal format'; "
                                 "Outlook: a published calendar's ICS link). Stored encrypted, never shown again.")


class CalendarImportOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    staff_id: UUID
    url_hint: str = Field(description="The address's scheme and host only")
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None = Field(description="Why the last fetch failed; null after a success")
    busy_span_count: int = Field(description="Busy times found in the next weeks by the last successful fetch")
    created_at: datetime
