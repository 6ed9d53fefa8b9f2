"""Response and request shapes of the privacy API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from engium.conversations.schemas import ContactUpdate
from engium.kit.request_fields import WholeNumber, not_nullable
from engium.privacy.policy import LIMITS


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


def _period(name: str) -> Any:
    limit = LIMITS[name]
    # ge/le enforce the bounds; pydantic writes them into the optional type's branch as "ge"/"le", which
    # JSON Schema does not know, so the document gets them again as minimum/maximum (null has neither).
    return Field(default=None, ge=limit.minimum, le=limit.maximum,
                 json_schema_extra={"minimum": limit.minimum, "maximum": limit.maximum},
                 description=f"{limit.what} ({limit.minimum}-{limit.maximum} {limit.unit}; default {limit.default})")


class PrivacySettingsUpdate(BaseModel):
    """Any subset of the settings; each period within its documented bounds (privacy/policy.py LIMITS)."""

    model_config = ConfigDict(extra="forbid")

    conversation_days: WholeNumber | None = _period("conversation_days")
    contact_inactive_days: WholeNumber | None = _period("contact_inactive_days")
    booking_days: WholeNumber | None = _period("booking_days")
    delivery_log_days: WholeNumber | None = _period("delivery_log_days")
    job_days: WholeNumber | None = _period("job_days")
    session_days: WholeNumber | None = _period("session_days")
    network_metadata_days: WholeNumber | None = _period("network_metadata_days")
    audit_months: WholeNumber | None = _period("audit_months")
    request_evidence_days: WholeNumber | None = _period("request_evidence_days")
    regime: Literal["gdpr", "ccpa"] | None = None


class LimitOut(BaseModel):
    default: int
    minimum: int
    maximum: int
    unit: str
    what: str


class PrivacySettingsOut(BaseModel):
    conversation_days: int
    contact_inactive_days: int
    booking_days: int
    delivery_log_days: int
    job_days: int
    session_days: int
    network_metadata_days: int
    audit_months: int
    request_evidence_days: int
    regime: Literal["gdpr", "ccpa"]
    limits: dict[str, LimitOut]


class RetentionPreviewOut(BaseModel):
    """What a retention run would remove now, per category (nothing is removed)."""

    cutoffs: dict[str, str]
    counts: dict[str, int]
    total: int
    # Whole audit months (YYYY-MM) expired and sealed, with their event counts: exported, then removed.
    audit_months: dict[str, int] = {}
    # Why expired audit months are kept this time (not sealed yet), or null.
    audit_kept: str | None = None


class RequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["access", "export", "erasure", "rectification", "opt_out"]
    contact_id: UUID
    # The business's default regime (privacy settings) when absent.
    regime: Literal["gdpr", "ccpa"] | None = None


def _corrected_fields_schema(schema: dict[str, Any]) -> None:
    not_nullable("name")(schema)
    schema["minProperties"] = 1


class Rectification(ContactUpdate):
    """The person's corrected details (at least one field); an identifier set to null is removed."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_corrected_fields_schema)

    @model_validator(mode="after")
    def _something_corrected(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("give at least one corrected field: name, email, phone or widget_id")
        return self


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class RequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: str
    status: str
    regime: str
    source: str
    contact_id: UUID | None
    received_at: datetime
    due_at: datetime | None
    extended_until: datetime | None
    extension_reason: str | None
    completed_at: datetime | None
    refusal_reason: str | None
    outcome: dict[str, Any]
    deadline: datetime | None
    # Whole days until the deadline (negative once it has passed); None once the request is closed.
    days_left: int | None = None
    overdue: bool = False


class RequestList(BaseModel):
    items: list[RequestOut]


class CertificateOut(BaseModel):
    """A deletion certificate: verify it offline with ``engium privacy verify-certificate``."""

    statement: str
    key_id: str
    signature: str


class ConsentIn(BaseModel):
    """A decision staff record for a customer (on the phone, at the counter, in writing)."""

    model_config = ConfigDict(extra="forbid")

    purpose: Literal["ai_processing_notice", "marketing", "sale_or_sharing", "messages"]
    granted: StrictBool
    channel: Literal["web", "sms", "whatsapp", "email", "staff"] = "staff"
    wording_version: str = Field(min_length=1, max_length=100)


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    purpose: str
    granted: bool
    channel: str
    source: str
    wording_version: str
    recorded_at: datetime


class ConsentHistory(BaseModel):
    in_force: dict[str, bool]
    history: list[ConsentOut]
