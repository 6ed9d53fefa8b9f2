"""Request and response bodies of the incident API (operator) and of a tenant's notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from engium.kit.request_fields import NOT_BLANK_PATTERN, IsoDatetime

Severity = Literal["low", "medium", "high", "critical"]
Status = Literal["detected", "contained", "notified", "closed"]
# The data map's categories (privacy/data_map.py Category), as a closed list.
DataCategory = Literal["identity", "contact_details", "communications", "appointments", "network", "reference",
                       "credentials", "consent", "requests"]
Title = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NOT_BLANK_PATTERN)]
Body = Annotated[str, StringConstraints(min_length=1, max_length=5000, pattern=NOT_BLANK_PATTERN)]
Review = Annotated[str, StringConstraints(min_length=1, max_length=20000, pattern=NOT_BLANK_PATTERN)]
Owner = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\u0000]*$")]


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    severity: Severity
    tenant_ids: list[UUID] = Field(default_factory=list, max_length=1000)
    categories: list[DataCategory] = Field(default_factory=list, max_length=9)
    # When the operator became aware (the GDPR clock's start); default: now.
    aware_at: IsoDatetime | None = None
    window_start: IsoDatetime | None = None
    window_end: IsoDatetime | None = None
    owner: Owner = ""
    description: Body | None = None


class IncidentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severity: Severity | None = None
    owner: Owner | None = None
    add_tenant_ids: list[UUID] = Field(default_factory=list, max_length=1000)
    categories: list[DataCategory] | None = Field(default=None, max_length=9)
    window_start: IsoDatetime | None = None
    window_end: IsoDatetime | None = None


class EntryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status
    # The post-incident review; required to close.
    review: Review | None = None


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    at: datetime
    kind: str
    actor: str
    body: str


class IncidentOut(BaseModel):
    id: UUID
    title: str
    severity: str
    status: str
    owner: str
    tenant_ids: list[UUID]
    notified_tenant_ids: list[UUID]
    categories: list[str]
    aware_at: datetime
    window_start: datetime | None
    window_end: datetime | None
    regulator_due_at: datetime
    tenants_due_at: datetime
    regulator_overdue: bool
    tenants_overdue: bool
    contained_at: datetime | None
    regulator_notified_at: datetime | None
    closed_at: datetime | None
    review: str | None
    trigger_key: str | None


class IncidentDetail(IncidentOut):
    timeline: list[EntryOut]


class IncidentList(BaseModel):
    incidents: list[IncidentOut]


class NotifiedOut(BaseModel):
    notified_tenant_ids: list[UUID]


class NotificationOut(BaseModel):
    """What the business was told, as it was told."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    incident_id: UUID
    title: str
    severity: str
    categories: list[str]
    aware_at: datetime
    window_start: datetime | None
    window_end: datetime | None
    body: str
    notified_at: datetime


class NotificationList(BaseModel):
    notifications: list[NotificationOut]
