"""Request and response shapes of the trust-centre API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class SubprocessorOut(BaseModel):
    name: str
    purpose: str
    location: str
    data_categories: list[str]
    level: str
    since: date | None
    effective_on: date | None
    announcement_id: UUID | None


class RegisterChangeOut(BaseModel):
    at: datetime
    change: str
    name: str
    level: str
    reason: str


class RegisterOut(BaseModel):
    """The business's effective subprocessor register, as on its public page."""

    format: str
    business: str
    public_id: str
    generated_at: datetime
    current: list[SubprocessorOut]
    upcoming: list[SubprocessorOut]
    history: list[RegisterChangeOut]


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=1000)


class ObjectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    announcement_id: UUID
    reason: str
    objected_at: datetime


class ObjectionList(BaseModel):
    items: list[ObjectionOut]


class DpaVersionOut(BaseModel):
    version: int
    generated_at: datetime
    sha256: str
    key_id: str
    signature: str
    accepted_at: datetime | None
    # What changed since the accepted version (unified diff lines); empty when nothing or nothing accepted.
    changes_since_accepted: list[str]
    document: dict[str, Any]


class DpaVersionList(BaseModel):
    items: list[DpaVersionOut]
