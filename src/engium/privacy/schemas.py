"""Response and request shapes of the privacy API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class PersonalColumnOut(BaseModel):
    column: str
    category: str
    subject: str


class StoreOut(BaseModel):
    table: str
    domain: str
    activity: str
    personal_columns: list[PersonalColumnOut]
    reached_by: str
    erasure: str
    retention: str


class ActivityOut(BaseModel):
    activity: str
    name: str
    purpose: str
    legal_basis: str
    data_subjects: list[str]
    data_categories: list[str]
    stores: list[str]


class ControllerOut(BaseModel):
    tenant_id: str
    name: str
    email: str | None
    phone: str | None
    address: str | None
    website: str | None


class RecordOfProcessing(BaseModel):
    """GDPR Art. 30 record and subprocessor register, generated from the live configuration."""

    model_config = ConfigDict(extra="forbid")

    format: str
    generated_at: datetime
    controller: ControllerOut
    data_subjects: list[str]
    activities: list[ActivityOut]
    # Who receives personal data (subprocessors and the business's own systems), as configured now.
    recipients: list[dict[str, Any]]
    retention: dict[str, Any]
    security_measures: list[str]
    stores: list[StoreOut]
