"""Request and response bodies of the knowledge API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from engium.kit.request_fields import NUL_FREE, WholeNumber
from engium.knowledge.parsing import SourceKind
from engium.knowledge.retrieval import MatchKind

# Pasted text up to the upload limit; what is extracted from it is limited again (service.MAX_TEXT_CHARS).
MAX_PASTED_CHARS = 5 * 1024 * 1024
MAX_QUERY_CHARS = 1_000

# PDFs are binary: they come through the upload routes only.
PastedKind = Literal["text", "markdown", "html", "faq"]


class DocumentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=500)
    source_kind: PastedKind = Field(
        description='faq: "Q: ..." / "A: ..." lines, or a JSON list of {"question", "answer"} objects'
    )
    content: str = Field(min_length=1, max_length=MAX_PASTED_CHARS)


class DocumentOut(BaseModel):
    id: UUID
    title: str
    source_kind: SourceKind
    source_filename: str | None
    source_bytes: int
    chunk_count: int
    embedding_model: str
    content_sha256: str = Field(description="SHA-256 (hex) of the extracted text")
    created_at: datetime
    updated_at: datetime


class DocumentDetail(DocumentOut):
    content: str = Field(description="The extracted text; citation offsets index into it")


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: Annotated[str, Field(min_length=1, max_length=MAX_QUERY_CHARS), NUL_FREE]
    k: WholeNumber = Field(default=5, ge=1, le=50)


class CitationOut(BaseModel):
    document_id: UUID
    document_title: str
    chunk_id: UUID
    ordinal: int
    start_offset: int
    end_offset: int
    content: str
    score: float
    matched_by: MatchKind


class SearchOut(BaseModel):
    citations: list[CitationOut]
