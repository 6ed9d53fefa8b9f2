"""Request and response bodies of /api/v1/notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from engium.notifications.models import NotificationKind

MAX_IDS = 200


class NotificationOut(BaseModel):
    id: UUID
    kind: NotificationKind
    title: str
    conversation_id: UUID | None
    booking_id: UUID | None
    emailed: bool
    created_at: datetime
    read_at: datetime | None


class UnreadCount(BaseModel):
    unread: int


class MarkIds(BaseModel):
    """Up to 200 of the member's notifications."""

    model_config = ConfigDict(extra="forbid")

    ids: list[UUID] = Field(min_length=1, max_length=MAX_IDS)


class MarkAll(BaseModel):
    """Every unread notification of the member."""

    model_config = ConfigDict(extra="forbid")

    all: Literal[True]


MarkRead = MarkIds | MarkAll


class Marked(BaseModel):
    marked: int


class PreferencesOut(BaseModel):
    email_enabled: bool
    on_call: bool
    daily_digest: bool
    email_muted_kinds: list[NotificationKind] = Field(
        description="Kinds never e-mailed to this member (still shown in the app); empty: every kind")


class PreferencesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email_enabled: StrictBool | None = None
    on_call: StrictBool | None = None
    daily_digest: StrictBool | None = None
    email_muted_kinds: list[NotificationKind] | None = Field(
        default=None, max_length=20, description="Replaces the list of kinds not to e-mail; [] e-mails every kind")
