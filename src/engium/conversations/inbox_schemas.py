"""Request and response shapes of the staff inbox tools: canned responses, message search, contact merge."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from engium.conversations.schemas import (
    AuthorKind,
    Channel,
    ConversationStatus,
    Direction,
    NotBlank,
    Stripped,
    check_not_blank,
)
from engium.kit.request_fields import not_nullable

SHORTCUT_PATTERN = r"^[a-z0-9_-]{1,40}$"
CannedTitle = Annotated[str, Field(min_length=1, max_length=200), NotBlank, AfterValidator(check_not_blank), Stripped]
CannedBody = Annotated[str, Field(min_length=1, max_length=10000), NotBlank, AfterValidator(check_not_blank)]
# Typed after a '/' in the reply box: one lower-case word, so the pattern is the whole rule.
Shortcut = Annotated[str, Field(pattern=SHORTCUT_PATTERN, description="Lower-case letters, digits, '-' and '_'")]


class CannedResponseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: CannedTitle
    body: CannedBody
    shortcut: Shortcut | None = None


class CannedResponseUpdate(BaseModel):
    """Fields left out stay as they are; ``shortcut`` set to null removes it."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=not_nullable("title", "body"))

    title: CannedTitle | None = None
    body: CannedBody | None = None
    shortcut: Shortcut | None = None

    @model_validator(mode="after")
    def _no_null_text(self) -> Self:
        for field in ("title", "body"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null")
        return self


class CannedResponseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    title: str
    body: str
    shortcut: str | None
    created_at: datetime
    updated_at: datetime


class SnippetPart(BaseModel):
    text: str
    match: bool = Field(description="Whether this part is one of the words searched for")


class FoundMessage(BaseModel):
    id: UUID
    direction: Direction
    author_kind: AuthorKind
    body: str
    created_at: datetime


class FoundConversation(BaseModel):
    id: UUID
    channel: Channel
    status: ConversationStatus
    subject: str


class FoundContact(BaseModel):
    id: UUID
    name: str


class MessageHit(BaseModel):
    message: FoundMessage
    conversation: FoundConversation
    contact: FoundContact
    snippet: list[SnippetPart] = Field(description="The message around the words found, matches marked")


class MessageSearchPage(BaseModel):
    items: list[MessageHit]
    next_cursor: str | None


class ContactMergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into_contact_id: UUID = Field(description="The contact that remains; the one in the path is merged into it")


class ContactMergeOut(BaseModel):
    contact_id: UUID = Field(description="The contact that remains")
    merged_contact_id: UUID
    moved: dict[str, int] = Field(description="Rows moved to the remaining contact, by store")
    identifiers_taken: list[str] = Field(description="Identifiers the remaining contact lacked and took over")
