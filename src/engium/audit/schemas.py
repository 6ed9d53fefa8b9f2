from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict


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


class AuditEventPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None = None
