from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class PersonalValuesOut(BaseModel):
    """An event's personal values, opened with the subject's key (audit/personal.py): ``erased`` once the
    key was destroyed (erasure, retention), ``withheld`` when they were never stored."""

    state: Literal["present", "erased", "withheld"]
    values: dict[str, Any]
    erased_fields: list[str]


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int
    occurred_at: datetime
    tenant_id: UUID
    actor_kind: str
    actor_id: str
    ip: str | None
    user_agent: str
    request_id: str
    action: str
    resource_type: str
    resource_id: str
    outcome: str
    details: dict[str, Any]
    prev_hash: str
    hash: str
    # Present when ``details.personal`` holds sealed values; ``details`` itself always shows what was hashed.
    personal: PersonalValuesOut | None = None


class AuditEventPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None = None
