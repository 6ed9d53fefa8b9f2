from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    field_validator,
)

from engium.kit.request_fields import EmailAddress
from engium.tenancy.allowed_origins import MAX_ORIGINS, web_origins

# A DNS host name: labels of letters, digits and hyphens, at least one dot, no scheme, port or path.
_HOST = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?")


class TenantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    # Appears in the inbound webhook URLs (/webhooks/twilio/{public_id}/sms ...).
    public_id: str
    created_at: datetime


class Faq(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=500)
    answer: str = Field(min_length=1, max_length=4000)


# What the assistant does after handing a conversation to a person (ADR 0037, assistant/handover_policy.py).
EscalationPolicy = Literal["keep_answering", "keep_answering_after_staff", "silent_until_handback"]
# A week: a longer response target or follow-up delay is no promise.
MAX_ESCALATION_MINUTES = 7 * 24 * 60


class EscalationRules(BaseModel):
    """When the assistant hands a conversation to a person, and what happens then. Omitted keys take the
    server's defaults (the assistant's settings and assistant/handover_policy.py)."""

    model_config = ConfigDict(extra="forbid")

    # Words that hand a message straight to a person ("complaint", "refund").
    keywords: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default=[], max_length=50)
    # Unhelpful answers in a row before handing over; null for the server's default.
    after_failed_answers: StrictInt | None = Field(default=None, ge=1, le=20)
    # Hand over when the business's information holds no reliable answer (else say so and offer one).
    on_low_confidence: StrictBool = True
    # keep_answering: answer what can be grounded until a person replies; keep_answering_after_staff:
    # also after; silent_until_handback: answer nothing until staff hand the conversation back.
    policy: EscalationPolicy = "keep_answering"
    # The target for a person's first reply, in opening-hours minutes: promised to the customer.
    response_minutes: StrictInt = Field(default=120, ge=5, le=MAX_ESCALATION_MINUTES)
    # Opening-hours minutes with no reply from a person before one follow-up to the customer and a
    # conversation.awaiting_staff event; 0: never.
    follow_up_minutes: StrictInt = Field(default=120, ge=0, le=MAX_ESCALATION_MINUTES)


class SettingsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    business_name: str
    timezone: str
    language: str = "en"
    phone: str | None
    email: str | None
    website: str | None
    address: str | None
    opening_hours: dict[str, Any]
    faqs: list[Faq]
    assistant_persona: str
    escalation_rules: dict[str, Any]
    mfa_required: bool
    public_base_url: str | None = None
    # Whether the model gateway may use a provider that can retain what it is sent (ADR 0011).
    ai_accept_retention: bool = False
    guard_threshold: float | None = None
    link_allow_list: list[str] = []
    widget_allowed_origins: list[str] = []
    csat_enabled: bool = False
    updated_at: datetime


# The IANA names this server knows (its tz database): the document lists them, the validator checks them.
TIME_ZONES = tuple(sorted(available_timezones()))


def _check_timezone(value: str) -> str:
    if value not in TIME_ZONES:
        raise ValueError(f"Unknown time zone {value!r}; use an IANA name such as 'Europe/London'")
    return value


# The assistant's languages (assistant/language.py SUPPORTED; a test in tests/assistant checks both agree).
BusinessLanguage = Literal["en", "es", "fr", "de", "pt"]
TimeZoneName = Annotated[str, Field(json_schema_extra={"enum": list(TIME_ZONES)}), AfterValidator(_check_timezone)]


class SettingsUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    business_name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: TimeZoneName | None = None
    # The assistant answers in this language until a customer writes in another it speaks.
    language: BusinessLanguage | None = None
    phone: str | None = Field(default=None, max_length=32)
    email: EmailAddress | None = None
    website: str | None = Field(default=None, max_length=300)
    address: str | None = Field(default=None, max_length=500)
    opening_hours: dict[str, Any] | None = None
    faqs: list[Faq] | None = Field(default=None, max_length=200)
    assistant_persona: str | None = Field(default=None, max_length=4000)
    escalation_rules: EscalationRules | None = None
    mfa_required: StrictBool | None = None
    # Where providers reach this deployment (https://engium.example.com); Twilio's signed URL is rebuilt
    # from it. Scheme and host (and an optional path prefix) only: no query, fragment or credentials.
    public_base_url: str | None = Field(
        default=None, max_length=300, pattern=r"^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?$"
    )

    # True: the tenant accepts model providers that may retain (review, train on) prompts; the default
    # false makes the model gateway refuse them. Recorded with its new value in setting.updated.
    ai_accept_retention: StrictBool | None = None
    # The prompt-injection detector's threshold for this tenant (lower flags more); null: the platform
    # default. Flagged messages are still answered, but never act (ADR 0012).
    # At least 0.001: the column is a REAL, which cannot hold the tiniest doubles (5e-324 underflows).
    guard_threshold: StrictFloat | None = Field(default=None, ge=0.001, le=1)
    # Hosts that links in the assistant's replies may point to (the website's host is always allowed);
    # every other link is removed from a reply before it leaves.
    link_allow_list: list[str] | None = Field(default=None, max_length=50)
    # The websites whose pages may use the chat widget, as origins (https://www.example.com,
    # http://localhost:8080): a browser on any other page is refused (ADR 0017). Stored as browsers
    # send them: lower case, without the default port or a trailing slash.
    widget_allowed_origins: list[str] | None = Field(default=None, max_length=MAX_ORIGINS)
    # Ask customers for a 1-5 satisfaction rating when a conversation is resolved (off by default; ADR 0044).
    csat_enabled: StrictBool | None = None

    @field_validator("widget_allowed_origins")
    @classmethod
    def _origins(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else web_origins(value)

    @field_validator("link_allow_list")
    @classmethod
    def _hosts(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return None
        hosts = []
        for host in value:
            host = host.strip().lower().rstrip(".")
            if not _HOST.fullmatch(host):
                raise ValueError(f"{host[:64]!r} is not a host name (example.com, book.example.com)")
            hosts.append(host)
        return sorted(set(hosts))
