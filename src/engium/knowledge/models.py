"""Mirrors of the knowledge tables (migrations 0008, 0010). Chunk partitions are made by a function, not here."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import Computed, DateTime, ForeignKey, ForeignKeyConstraint, Index, Integer, LargeBinary, Text, func
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from engium.kit.orm import Base
from engium.knowledge.vector import Vector

EMBEDDING_DIMENSIONS = 384


class KnowledgeDocument(Base):
    __tablename__ = "knowledge_documents"
    __table_args__ = (
        Index("knowledge_documents_sha_idx", "tenant_id", "content_sha256"),
        Index("knowledge_documents_created_idx", "tenant_id", "created_at", "id"),
    )

    tenant_id: Mapped[UUID] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(Text)
    source_kind: Mapped[str] = mapped_column(Text)
    # SHA-256 of ``content`` (the extracted text): unchanged text means a re-ingest is a no-op.
    content_sha256: Mapped[bytes] = mapped_column(LargeBinary)
    # The extracted plain text; chunk offsets index into it, so a citation can quote its exact span.
    content: Mapped[str] = mapped_column(Text, server_default="")
    source_filename: Mapped[str | None] = mapped_column(Text)
    source_bytes: Mapped[int] = mapped_column(Integer, server_default="0")
    chunk_count: Mapped[int] = mapped_column(Integer, server_default="0")
    # The model that embedded the chunks; vectors of different models must never be compared.
    embedding_model: Mapped[str] = mapped_column(Text, server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class KnowledgeChunk(Base):
    __tablename__ = "knowledge_chunks"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "document_id"],
            ["knowledge_documents.tenant_id", "knowledge_documents.id"],
            ondelete="CASCADE",
        ),
        Index("knowledge_chunks_document_idx", "tenant_id", "document_id", "ordinal"),
        Index("knowledge_chunks_tsv_idx", "tsv", postgresql_using="gin", postgresql_with={"fastupdate": "off"}),
        {"postgresql_partition_by": "LIST (tenant_id)"},
    )

    tenant_id: Mapped[UUID] = mapped_column(primary_key=True)
    id: Mapped[UUID] = mapped_column(primary_key=True)
    document_id: Mapped[UUID]
    ordinal: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    start_offset: Mapped[int] = mapped_column(Integer)
    end_offset: Mapped[int] = mapped_column(Integer)
    embedding: Mapped[list[float]] = mapped_column(Vector(EMBEDDING_DIMENSIONS))
    tsv: Mapped[str | None] = mapped_column(
        TSVECTOR, Computed("to_tsvector('english'::regconfig, content)", persisted=True)
    )
