"""Request and response shapes for contacts, conversations and messages."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from engium.kit.request_fields import NOT_BLANK_PATTERN, WHITESPACE, EmailAddress, at_least_one_given, not_nullable

Channel = Literal["web", "sms", "whatsapp", "email"]
ConversationStatus = Literal["open", "pending", "escalated", "resolved"]
# Escalation and resolution have their own endpoints (they carry a reason, and will carry audit
# events), so a plain update may only move a conversation between these two.
EditableStatus = Literal["open", "pending"]
Direction = Literal["inbound", "outbound"]
AuthorKind = Literal["contact", "assistant", "agent"]
PostingAuthor = Literal["agent", "contact"]
DeliveryStatus = Literal["queued", "sent", "delivered", "failed"]

IDENTIFIERS = ("email", "phone", "widget_id")

_PHONE_SEPARATORS = re.compile(rf"[{WHITESPACE}().-]")
# ASCII digits only: Python's \d would also take other scripts' digits, which no provider dials.
_E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
# What normalize_phone accepts, as the document declares it: E.164 once the separators are gone, and
# 00 for the +.
_SEPARATOR = rf"[{WHITESPACE}().-]"
PHONE_INPUT_PATTERN = rf"^{_SEPARATOR}*(\+|0{_SEPARATOR}*0){_SEPARATOR}*[1-9]({_SEPARATOR}*[0-9]){{6,14}}{_SEPARATOR}*$"
_WIDGET_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
# The contact models strip surrounding white space before the check.
WIDGET_ID_INPUT_PATTERN = rf"^[{WHITESPACE}]*[A-Za-z0-9_.:-]{{1,128}}[{WHITESPACE}]*$"


def normalize_phone(value: str) -> str:
    """Accepts common human formatting, stores E.164, so one number is one contact."""
    compact = _PHONE_SEPARATORS.sub("", value.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if not _E164.fullmatch(compact):
        raise ValueError("phone must be an international number in E.164 form, such as +14155550123")
    return compact


def _check_widget_id(value: str) -> str:
    if not _WIDGET_ID.fullmatch(value):
        raise ValueError("widget_id must be 1-128 characters of letters, digits, '_', '.', ':' or '-'")
    return value


def check_not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


# Surrounding white space is dropped after the declared constraints are checked on the text as sent, so
# the document's maxLength is the server's (a model-wide str_strip_whitespace would strip first, and take
# 201 characters with a space at the end as 200).
Stripped = AfterValidator(str.strip)

# The patterns are declared for the document only (json_schema_extra): the validators check the same.
# normalize_phone drops surrounding white space itself.
PhoneNumber = Annotated[
    str,
    Field(max_length=40, json_schema_extra={"pattern": PHONE_INPUT_PATTERN}),
    AfterValidator(normalize_phone),
]
# Stored lower-cased: the uniqueness constraint is case-sensitive, people's typing is not.
ContactEmail = Annotated[EmailAddress, AfterValidator(str.lower)]
WidgetId = Annotated[
    str, Field(json_schema_extra={"pattern": WIDGET_ID_INPUT_PATTERN}), Stripped, AfterValidator(_check_widget_id)
]
ContactName = Annotated[str, Field(max_length=200), Stripped]
NotBlank = Field(json_schema_extra={"pattern": NOT_BLANK_PATTERN})
MessageBody = Annotated[str, Field(min_length=1, max_length=10000), NotBlank, AfterValidator(check_not_blank)]


class ContactCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra=at_least_one_given(*IDENTIFIERS),  # _has_identifier's rule, for the document
    )

    name: ContactName = ""
    email: ContactEmail | None = None
    phone: PhoneNumber | None = None
    widget_id: WidgetId | None = None


    @model_validator(mode="after")
    def _has_identifier(self) -> Self:
        if all(getattr(self, field) is None for field in IDENTIFIERS):
            raise ValueError("a contact needs at least one of email, phone or widget_id")
        return self


class ContactUpdate(BaseModel):
    """Fields left out stay as they are; an identifier set to null is removed."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable("name"))

    name: ContactName | None = None
    email: ContactEmail | None = None
    phone: PhoneNumber | None = None
    widget_id: WidgetId | None = None


    @model_validator(mode="after")
    def _name_not_null(self) -> Self:
        if "name" in self.model_fields_set and self.name is None:
            raise ValueError("name cannot be null; send an empty string to clear it")
        return self


class ContactOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    email: str | None
    phone: str | None
    widget_id: str | None
    # What a widget visitor typed before a booking: nobody has confirmed these (migration 0013).
    unverified_phone: str | None = None
    unverified_email: str | None = None
    created_at: datetime
    updated_at: datetime


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_id: UUID
    channel: Channel
    subject: str = Field(default="", max_length=200)
    message: MessageBody | None = Field(default=None, description="The contact's first message, stored inbound")


class ConversationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable("subject", "status"))

    subject: str | None = Field(default=None, max_length=200)
    status: EditableStatus | None = None

    @model_validator(mode="after")
    def _no_nulls(self) -> Self:
        for field in ("subject", "status"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    contact_id: UUID
    channel: Channel
    status: ConversationStatus
    assignee_user_id: UUID | None
    subject: str
    escalation_reason: str | None
    created_at: datetime
    updated_at: datetime
    last_message_at: datetime


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: MessageBody
    author_kind: PostingAuthor = "agent"


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    conversation_id: UUID
    direction: Direction
    author_kind: AuthorKind
    author_user_id: UUID | None
    body: str
    created_at: datetime
    # Replies sent through a provider (SMS, WhatsApp) only; null on every other message. A failed reply
    # carries the reason in words staff can act on (never the provider's raw answer).
    delivery_status: DeliveryStatus | None = None
    delivery_error: str | None = None
    delivery_updated_at: datetime | None = None


class EscalateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=1000), NotBlank, AfterValidator(check_not_blank)]


class AssignRequest(BaseModel):
    """``user_id`` is required; null removes the assignee."""

    model_config = ConfigDict(extra="forbid")

    user_id: UUID | None
