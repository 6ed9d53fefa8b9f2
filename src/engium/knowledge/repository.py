"""Knowledge storage: documents, their chunks, and the two lookups retrieval is built on.

Every query names the tenant as a bound parameter (``tenant_id = :tenant``), not only through RLS: with
the app engine's ``plan_cache_mode = force_custom_plan`` the planner then prunes to that tenant's one
partition at plan time, so a query locks and reads one partition, never all of them. RLS stays the
guarantee: a tenant id other than the bound one finds nothing and can write nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.knowledge.models import EMBEDDING_DIMENSIONS
from engium.knowledge.vector import to_literal


class SourceKind(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    FAQ = "faq"


@dataclass(frozen=True)
class ChunkInput:
    content: str
    start_offset: int
    end_offset: int
    embedding: Sequence[float]


@dataclass(frozen=True)
class ScoredChunk:
    id: uuid.UUID
    document_id: uuid.UUID
    ordinal: int
    content: str
    start_offset: int
    end_offset: int
    # Cosine distance for nearest_chunks (smaller is closer); ts_rank for full_text (larger is better).
    score: float


_COLUMNS = "c.id, c.document_id, c.ordinal, c.content, c.start_offset, c.end_offset"

_NEAREST = text(
    f"select {_COLUMNS}, c.embedding <=> cast(:q as vector) as score from knowledge_chunks c "
    "where c.tenant_id = :tenant order by c.embedding <=> cast(:q as vector), c.id limit :k"
)

_FULL_TEXT = text(
    f"select {_COLUMNS}, ts_rank(c.tsv, q.query) as score "
    "from knowledge_chunks c, websearch_to_tsquery('english', :q) as q(query) "
    "where c.tenant_id = :tenant and c.tsv @@ q.query order by score desc, c.id limit :k"
)


def _embedding_literal(embedding: Sequence[float]) -> str:
    if len(embedding) != EMBEDDING_DIMENSIONS:
        raise ValueError(f"embeddings have {EMBEDDING_DIMENSIONS} dimensions, got {len(embedding)}")
    return to_literal(embedding)


def add_document(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    title: str,
    source_kind: SourceKind,
    content: str,
    chunks: Sequence[ChunkInput],
) -> uuid.UUID:
    """Stores a document and its chunks (ordinals in the given order) in the tenant's partition."""
    document_id = uuid.uuid4()
    session.execute(
        text(
            "insert into knowledge_documents (tenant_id, id, title, source_kind, content_sha256) "
            "values (:tenant, :id, :title, :kind, :sha)"
        ),
        {
            "tenant": tenant_id, "id": document_id, "title": title, "kind": source_kind.value,
            "sha": hashlib.sha256(content.encode()).digest(),
        },
    )
    if chunks:
        session.execute(
            text(
                "insert into knowledge_chunks "
                "(tenant_id, id, document_id, ordinal, content, start_offset, end_offset, embedding) "
                "values (:tenant, :id, :document, :ordinal, :content, :start, :end, cast(:embedding as vector))"
            ),
            [
                {
                    "tenant": tenant_id, "id": uuid.uuid4(), "document": document_id, "ordinal": ordinal,
                    "content": chunk.content, "start": chunk.start_offset, "end": chunk.end_offset,
                    "embedding": _embedding_literal(chunk.embedding),
                }
                for ordinal, chunk in enumerate(chunks)
            ],
        )
    return document_id


def _scored(rows: Sequence[Sequence[object]]) -> list[ScoredChunk]:
    return [
        ScoredChunk(
            id=row[0], document_id=row[1], ordinal=row[2], content=row[3],  # type: ignore[arg-type]
            start_offset=row[4], end_offset=row[5], score=float(row[6]),  # type: ignore[arg-type]
        )
        for row in rows
    ]


def nearest_chunks(session: Session, tenant_id: uuid.UUID, embedding: Sequence[float], k: int) -> list[ScoredChunk]:
    """The k chunks closest by cosine distance: exact (a scan of one partition) until that partition
    gets an HNSW index from ``knowledge_index_partition()``."""
    rows = session.execute(
        _NEAREST, {"tenant": tenant_id, "q": _embedding_literal(embedding), "k": max(1, min(k, 1000))}
    ).all()
    return _scored(rows)


def full_text(session: Session, tenant_id: uuid.UUID, query: str, k: int) -> list[ScoredChunk]:
    """Chunks matching a web-search style query, best ts_rank first."""
    rows = session.execute(_FULL_TEXT, {"tenant": tenant_id, "q": query, "k": max(1, min(k, 1000))}).all()
    return _scored(rows)


def delete_document(session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID) -> bool:
    """Deletes the document; its chunks and their vectors go with it (ON DELETE CASCADE)."""
    result = session.execute(
        text("delete from knowledge_documents where tenant_id = :tenant and id = :id"),
        {"tenant": tenant_id, "id": document_id},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
