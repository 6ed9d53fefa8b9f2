"""Request and response bodies. Secrets are write-only: no response model has a field that could
carry one, and requests hold them as ``SecretStr`` (masked in ``repr`` and in tracebacks)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, SecretStr, StrictBool, StrictFloat, StringConstraints

from engium.kit.request_fields import WholeNumber

# The longest grace period a rotation may keep the previous secret valid.
MAX_GRACE_HOURS = 24 * 30


class CredentialKind(StrEnum):
    TWILIO = "twilio"
    WHATSAPP = "whatsapp"
    MODEL_PROVIDER = "model_provider"
    WEBHOOK_ENDPOINT = "webhook_endpoint"
    WIDGET = "widget"
    # Migration 0039: a business's SMTP password (mail/tenant_sender.py) and an inbound e-mail channel's
    # Mailgun webhook signing key (channels/email_channels.py).
    SMTP = "smtp"
    MAILGUN = "mailgun"


METADATA_KEY_PATTERN = r"^[a-z][a-z0-9_]*$"
MetadataKey = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=METADATA_KEY_PATTERN)]
MetadataValue = Annotated[str, StringConstraints(max_length=500)] | WholeNumber | StrictBool | None
Secret = Annotated[SecretStr, Field(min_length=8, max_length=4096)]


class CredentialCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CredentialKind
    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$")
    secret: Secret
    # Non-secret configuration (account SID, phone number id, base URL); stored in plain text. A widget's
    # public_widget_key is not the client's to set: the server generates it (integrations/widget_keys.py).
    metadata: dict[MetadataKey, MetadataValue] = Field(
        default_factory=dict,
        max_length=32,
        # The key constraints, for the document (pydantic checks them but does not write them out).
        json_schema_extra={"propertyNames": {"minLength": 1, "maxLength": 64, "pattern": METADATA_KEY_PATTERN}},
    )


class CredentialRotate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secret: Secret
    # How long the previous secret stays valid (webhook senders switch over at their own pace).
    grace_period_hours: StrictFloat = Field(default=24.0, ge=0, le=MAX_GRACE_HOURS)


class CredentialOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: CredentialKind
    name: str
    # The last four characters, only for secrets long enough that four reveal little; else empty.
    last4: str
    metadata: dict[str, str | int | bool | None] = Field(validation_alias="config")
    key_version: int
    created_at: datetime
    rotated_at: datetime | None
    previous_valid_until: datetime | None
