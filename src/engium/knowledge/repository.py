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

from sqlalchemy import select, text, tuple_
from sqlalchemy.orm import Session, defer

from engium.kit.pagination import Cursor
from engium.knowledge.models import EMBEDDING_DIMENSIONS, KnowledgeDocument
from engium.knowledge.parsing import SourceKind
from engium.knowledge.vector import to_literal

__all__ = [
    "ChunkInput",
    "ScoredChunk",
    "SourceKind",
    "add_document",
    "content_sha256",
    "delete_document",
    "document_chunks",
    "document_titles",
    "find_document_by_sha",
    "full_text",
    "get_document",
    "list_documents",
    "matching_chunks",
    "nearest_chunks",
    "query_lexemes",
    "rename_document",
    "replace_document",
]


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

# Ranking every match costs a heap visit and a ts_rank per row: a word common to most of a large tenant's
# chunks would make the text leg of retrieval rank all of them. At most this many matches are ranked
# (the first found); retrieval's pairwise query keeps the matches of ordinary questions well below it.
MAX_RANKED_MATCHES = 2_000

# Through a definer function so that the GIN index can serve the match: under RLS it cannot, because
# @@ is not leakproof (migration 0010). The function returns the bound tenant's rows only, like RLS.
_MATCHING = text(
    "select id, document_id, ordinal, content, start_offset, end_offset, score "
    "from knowledge_match_chunks(:tenant, cast(:tsquery as tsquery), :k, :scan)"
)

_LEXEMES = text("select lexeme from unnest(to_tsvector('english', :q)) order by positions[1]")

_INSERT_CHUNK = text(
    "insert into knowledge_chunks "
    "(tenant_id, id, document_id, ordinal, content, start_offset, end_offset, embedding) "
    "values (:tenant, :id, :document, :ordinal, :content, :start, :end, cast(:embedding as vector))"
)


def _embedding_literal(embedding: Sequence[float]) -> str:
    if len(embedding) != EMBEDDING_DIMENSIONS:
        raise ValueError(f"embeddings have {EMBEDDING_DIMENSIONS} dimensions, got {len(embedding)}")
    return to_literal(embedding)


def content_sha256(content: str) -> bytes:
    return hashlib.sha256(content.encode()).digest()


def _insert_chunks(
    session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID, chunks: Sequence[ChunkInput]
) -> None:
    if chunks:
        session.execute(
            _INSERT_CHUNK,
            [
                {
                    "tenant": tenant_id, "id": uuid.uuid4(), "document": document_id, "ordinal": ordinal,
                    "content": chunk.content, "start": chunk.start_offset, "end": chunk.end_offset,
                    "embedding": _embedding_literal(chunk.embedding),
                }
                for ordinal, chunk in enumerate(chunks)
            ],
        )


def add_document(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    title: str,
    source_kind: SourceKind,
    content: str,
    chunks: Sequence[ChunkInput],
    source_filename: str | None = None,
    source_bytes: int | None = None,
    embedding_model: str = "",
) -> uuid.UUID:
    """Stores a document (``content``: its extracted text, which chunk offsets index into) and its
    chunks (ordinals in the given order) in the tenant's partition."""
    document_id = uuid.uuid4()
    session.execute(
        text(
            "insert into knowledge_documents (tenant_id, id, title, source_kind, content_sha256, content, "
            "source_filename, source_bytes, chunk_count, embedding_model) "
            "values (:tenant, :id, :title, :kind, :sha, :content, :filename, :bytes, :chunks, :model)"
        ),
        {
            "tenant": tenant_id, "id": document_id, "title": title, "kind": source_kind.value,
            "sha": content_sha256(content), "content": content, "filename": source_filename,
            "bytes": len(content.encode()) if source_bytes is None else source_bytes, "chunks": len(chunks),
            "model": embedding_model,
        },
    )
    _insert_chunks(session, tenant_id, document_id, chunks)
    return document_id


def replace_document(
    session: Session,
    tenant_id: uuid.UUID,
    document_id: uuid.UUID,
    *,
    title: str,
    source_kind: SourceKind,
    content: str,
    chunks: Sequence[ChunkInput],
    source_filename: str | None,
    source_bytes: int,
    embedding_model: str,
) -> bool:
    """Replaces the document's text, metadata and every chunk; False if there is no such document."""
    updated = session.execute(
        text(
            "update knowledge_documents set title = :title, source_kind = :kind, content_sha256 = :sha, "
            "content = :content, source_filename = :filename, source_bytes = :bytes, chunk_count = :chunks, "
            "embedding_model = :model, updated_at = now() where tenant_id = :tenant and id = :id"
        ),
        {
            "tenant": tenant_id, "id": document_id, "title": title, "kind": source_kind.value,
            "sha": content_sha256(content), "content": content, "filename": source_filename,
            "bytes": source_bytes, "chunks": len(chunks), "model": embedding_model,
        },
    )
    if not updated.rowcount:  # type: ignore[attr-defined]
        return False
    session.execute(
        text("delete from knowledge_chunks where tenant_id = :tenant and document_id = :id"),
        {"tenant": tenant_id, "id": document_id},
    )
    _insert_chunks(session, tenant_id, document_id, chunks)
    return True


def rename_document(session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID, title: str) -> None:
    session.execute(
        text(
            "update knowledge_documents set title = :title, updated_at = now() "
            "where tenant_id = :tenant and id = :id"
        ),
        {"tenant": tenant_id, "id": document_id, "title": title},
    )


def get_document(
    session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID, *, lock: bool = False
) -> KnowledgeDocument | None:
    stmt = select(KnowledgeDocument).where(
        KnowledgeDocument.tenant_id == tenant_id, KnowledgeDocument.id == document_id
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one_or_none()


def list_documents(
    session: Session, tenant_id: uuid.UUID, *, cursor: Cursor | None, limit: int
) -> list[KnowledgeDocument]:
    """Newest first; one row past ``limit`` tells the caller there is another page. The text itself
    is not loaded (``content`` is deferred): a listing needs titles and sizes."""
    stmt = (
        select(KnowledgeDocument)
        .options(defer(KnowledgeDocument.content))
        .where(KnowledgeDocument.tenant_id == tenant_id)
        .order_by(KnowledgeDocument.created_at.desc(), KnowledgeDocument.id.desc())
    )
    if cursor is not None:
        stmt = stmt.where(tuple_(KnowledgeDocument.created_at, KnowledgeDocument.id) < tuple_(cursor.at, cursor.id))
    return list(session.execute(stmt.limit(limit + 1)).scalars())


def document_chunks(session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID) -> list[ScoredChunk]:
    """A document's chunks in reading order (``score`` 0: nothing was ranked)."""
    rows = session.execute(
        text(
            f"select {_COLUMNS}, 0.0 as score from knowledge_chunks c "
            "where c.tenant_id = :tenant and c.document_id = :document order by c.ordinal"
        ),
        {"tenant": tenant_id, "document": document_id},
    ).all()
    return _scored(rows)


def find_document_by_sha(session: Session, tenant_id: uuid.UUID, sha256: bytes) -> uuid.UUID | None:
    return session.execute(
        text("select id from knowledge_documents where tenant_id = :tenant and content_sha256 = :sha limit 1"),
        {"tenant": tenant_id, "sha": sha256},
    ).scalar_one_or_none()


def document_titles(session: Session, tenant_id: uuid.UUID, document_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not document_ids:
        return {}
    rows = session.execute(
        text("select id, title from knowledge_documents where tenant_id = :tenant and id = any(:ids)"),
        {"tenant": tenant_id, "ids": list(document_ids)},
    ).all()
    return {row[0]: row[1] for row in rows}


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
    """Chunks matching a web-search style query (every term, quoted phrases, ``-word``), best ts_rank first.

    Under RLS this cannot use the GIN index (``@@`` is not leakproof) and reads the whole partition;
    retrieval uses :func:`matching_chunks`, which can."""
    rows = session.execute(_FULL_TEXT, {"tenant": tenant_id, "q": query, "k": max(1, min(k, 1000))}).all()
    return _scored(rows)


def query_lexemes(session: Session, query: str) -> list[str]:
    """The query's words as the chunks' tsvector holds them ('english': stemmed, stop words dropped),
    in the order they first appear."""
    return list(session.execute(_LEXEMES, {"q": query}).scalars())


def matching_chunks(
    session: Session, tenant_id: uuid.UUID, tsquery: str, k: int, *, scan_limit: int = MAX_RANKED_MATCHES
) -> list[ScoredChunk]:
    """Chunks matching a tsquery (in tsquery syntax, bound as a parameter), best ts_rank first, ranking
    at most ``scan_limit`` matches."""
    rows = session.execute(
        _MATCHING, {"tenant": tenant_id, "tsquery": tsquery, "k": max(1, min(k, 1000)), "scan": scan_limit}
    ).all()
    return _scored(rows)


def delete_document(session: Session, tenant_id: uuid.UUID, document_id: uuid.UUID) -> bool:
    """Deletes the document; its chunks and their vectors go with it (ON DELETE CASCADE)."""
    result = session.execute(
        text("delete from knowledge_documents where tenant_id = :tenant and id = :id"),
        {"tenant": tenant_id, "id": document_id},
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def documents_mentioning(session: Session, needles: Sequence[str]) -> list[uuid.UUID]:
    """The bound tenant's documents whose title or content contains any of ``needles`` (case-insensitive,
    literally: ``%`` and ``_`` in a needle match themselves)."""
    if not needles:
        return []
    patterns = ["%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for n in needles]
    rows = session.execute(
        text("select id from knowledge_documents where title ilike any(:patterns) or content ilike any(:patterns)"),
        {"patterns": patterns},
    ).scalars()
    return [uuid.UUID(str(r)) for r in rows]
