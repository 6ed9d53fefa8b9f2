"""Rules of the knowledge base: ingest (parse, chunk, embed, store), re-ingest, delete, list, search.

Every write happens in the caller's transaction, bound to the principal's tenant, and records a typed
audit event in it. Audit details carry kinds, sizes and counts: never a document's text, its title
(free text a business may fill with anything) or a search query.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.ai.embeddings import EmbeddingProvider
from engium.ai.guard.sanitiser import sanitise
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.errors import AppError, Conflict, NotFound, Unprocessable
from engium.kit.pagination import PageRequest
from engium.knowledge import repository as repo
from engium.knowledge.chunking import Chunk, chunk_document
from engium.knowledge.models import EMBEDDING_DIMENSIONS, KnowledgeDocument
from engium.knowledge.parsing import ParsedDocument, SourceKind, UnreadableDocument, clean_text, parse
from engium.knowledge.retrieval import Citation, retrieve

# An upload larger than this is refused before it is parsed (413).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Extracted text beyond this is refused (422): every ~650 characters cost one embedding (tens of ms on
# a small CPU), and ingestion runs inside the request. 400,000 characters are about 600 chunks.
MAX_TEXT_CHARS = 400_000
MAX_TITLE_CHARS = 500
RESOURCE = "knowledge_document"


class PayloadTooLarge(AppError):
    status_code = 413
    code = "too_large"


class UnsupportedMediaType(AppError):
    status_code = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class DocumentSource:
    """What a client sent: pasted text or an uploaded file's bytes, and what kind it is."""

    title: str
    kind: SourceKind
    body: bytes | str
    filename: str | None = None

    @property
    def size(self) -> int:
        # JSON may carry lone surrogates ("\ud800"), which UTF-8 cannot encode; parsing drops them.
        return len(self.body) if isinstance(self.body, bytes) else len(self.body.encode(errors="replace"))


@dataclass(frozen=True)
class PreparedDocument:
    title: str
    text: str
    chunks: list[Chunk]


def clean_title(title: str) -> str:
    cleaned = " ".join(sanitise(clean_text(title), source="document").text.split())
    if not cleaned:
        raise Unprocessable("title must contain visible text")
    if len(cleaned) > MAX_TITLE_CHARS:
        raise Unprocessable(f"title must be at most {MAX_TITLE_CHARS} characters")
    return cleaned


def prepare(source: DocumentSource) -> PreparedDocument:
    """Parses and chunks a source; refuses, with a message for the uploader, what cannot be ingested."""
    if source.size > MAX_UPLOAD_BYTES:
        raise PayloadTooLarge(f"the document is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    title = clean_title(source.title)
    try:
        parsed = parse(source.kind, source.body)
    except UnreadableDocument as exc:
        raise Unprocessable(str(exc)) from exc
    if not parsed.text:
        raise Unprocessable("the document contains no text")
    if len(parsed.text) > MAX_TEXT_CHARS:
        raise Unprocessable(
            f"the document's text is {len(parsed.text)} characters long; the limit is {MAX_TEXT_CHARS}: split it"
        )
    parsed = _sanitised(parsed)
    return PreparedDocument(title, parsed.text, chunk_document(parsed))


def _sanitised(parsed: ParsedDocument) -> ParsedDocument:
    """The guard's sanitiser over the extracted text (P3): invisible characters and live chat-template
    markers never reach storage, so a retrieved chunk cannot smuggle them into a prompt. Done before
    chunking so citation offsets refer to the stored text; FAQ sections are sanitised one by one and
    their spans recomputed."""

    def clean(piece: str) -> str:
        # NFKC can lengthen text (ligatures), so the cap is generous; the size check above already ran.
        return sanitise(piece, source="document", max_chars=2 * MAX_TEXT_CHARS).text

    if not parsed.sections:
        return ParsedDocument(clean(parsed.text))
    pieces: list[str] = []
    sections: list[tuple[int, int]] = []
    length = previous_end = 0
    for lo, hi in parsed.sections:
        gap, section = clean(parsed.text[previous_end:lo]), clean(parsed.text[lo:hi])
        pieces += [gap, section]
        sections.append((length + len(gap), length + len(gap) + len(section)))
        length += len(gap) + len(section)
        previous_end = hi
    pieces.append(clean(parsed.text[previous_end:]))
    return ParsedDocument("".join(pieces), tuple(sections))


def embed_chunks(embedder: EmbeddingProvider, chunks: list[Chunk]) -> list[repo.ChunkInput]:
    if embedder.dimensions != EMBEDDING_DIMENSIONS:
        raise ValueError(f"the embedder gives {embedder.dimensions} dimensions; chunks have {EMBEDDING_DIMENSIONS}")
    if not chunks:
        return []
    vectors = embedder.embed([chunk.content for chunk in chunks])
    return [
        repo.ChunkInput(chunk.content, chunk.start_offset, chunk.end_offset, vector.tolist())
        for chunk, vector in zip(chunks, vectors, strict=True)
    ]


def _details(document: KnowledgeDocument | None, source: DocumentSource, prepared: PreparedDocument) -> dict[str, Any]:
    details: dict[str, Any] = {
        "source_kind": source.kind.value,
        "source_bytes": source.size,
        "characters": len(prepared.text),
        "chunks": len(prepared.chunks),
    }
    if document is not None:
        details["previous_chunks"] = document.chunk_count
    return details


def _refuse_duplicate(session: Session, tenant_id: uuid.UUID, text: str, itself: uuid.UUID | None) -> None:
    """One text, one document: the same text twice would fill two of the k results with one passage."""
    existing = repo.find_document_by_sha(session, tenant_id, repo.content_sha256(text))
    if existing is not None and existing != itself:
        raise Conflict(
            "a document with the same text already exists; update it instead",
            details={"document_id": str(existing)},
        )


def _find(session: Session, principal: Principal, document_id: uuid.UUID, *, lock: bool = False) -> KnowledgeDocument:
    document = repo.get_document(session, principal.tenant_id, document_id, lock=lock)
    if document is None:
        raise NotFound("Document not found")
    return document


def add_document(
    session: Session, principal: Principal, embedder: EmbeddingProvider, source: DocumentSource
) -> KnowledgeDocument:
    prepared = prepare(source)
    _refuse_duplicate(session, principal.tenant_id, prepared.text, None)
    chunks = embed_chunks(embedder, prepared.chunks)
    document_id = repo.add_document(
        session, principal.tenant_id, title=prepared.title, source_kind=source.kind, content=prepared.text,
        chunks=chunks, source_filename=source.filename, source_bytes=source.size, embedding_model=embedder.model,
    )
    audit.record(
        session, principal, AuditAction.KNOWLEDGE_DOCUMENT_ADDED, resource_type=RESOURCE, resource_id=document_id,
        details=_details(None, source, prepared),
    )
    return _find(session, principal, document_id)


def replace_document(
    session: Session, principal: Principal, embedder: EmbeddingProvider, document_id: uuid.UUID,
    source: DocumentSource,
) -> KnowledgeDocument:
    """Re-ingests a changed document: its chunks are replaced. Unchanged text of the same kind, embedded
    by the same model, keeps its chunks and vectors (only a new title is stored); nothing changed at all
    is a no-op."""
    document = _find(session, principal, document_id, lock=True)
    prepared = prepare(source)
    same_chunks = (
        document.content_sha256 == repo.content_sha256(prepared.text)
        and document.source_kind == source.kind.value
        and document.embedding_model == embedder.model
        and document.chunk_count == len(prepared.chunks)
    )
    if same_chunks:
        if document.title != prepared.title:
            repo.rename_document(session, principal.tenant_id, document_id, prepared.title)
            audit.record(
                session, principal, AuditAction.KNOWLEDGE_DOCUMENT_REPLACED, resource_type=RESOURCE,
                resource_id=document_id, details={**_details(document, source, prepared), "reembedded": False},
            )
            session.expire(document)
        return _find(session, principal, document_id)
    _refuse_duplicate(session, principal.tenant_id, prepared.text, document_id)
    chunks = embed_chunks(embedder, prepared.chunks)
    details = {**_details(document, source, prepared), "reembedded": True}
    repo.replace_document(
        session, principal.tenant_id, document_id, title=prepared.title, source_kind=source.kind,
        content=prepared.text, chunks=chunks, source_filename=source.filename, source_bytes=source.size,
        embedding_model=embedder.model,
    )
    audit.record(
        session, principal, AuditAction.KNOWLEDGE_DOCUMENT_REPLACED, resource_type=RESOURCE,
        resource_id=document_id, details=details,
    )
    session.expire(document)
    return _find(session, principal, document_id)


def delete_document(session: Session, principal: Principal, document_id: uuid.UUID) -> None:
    """Deletes the document; its chunks and their vectors go with it (ON DELETE CASCADE)."""
    document = _find(session, principal, document_id, lock=True)
    details = {"source_kind": document.source_kind, "chunks": document.chunk_count}
    repo.delete_document(session, principal.tenant_id, document_id)
    audit.record(
        session, principal, AuditAction.KNOWLEDGE_DOCUMENT_DELETED, resource_type=RESOURCE, resource_id=document_id,
        details=details,
    )


def get_document(session: Session, principal: Principal, document_id: uuid.UUID) -> KnowledgeDocument:
    return _find(session, principal, document_id)


def document_chunks(session: Session, principal: Principal, document_id: uuid.UUID) -> list[repo.ScoredChunk]:
    """How a document was split for retrieval, in reading order (404 for another tenant's document)."""
    _find(session, principal, document_id)
    return repo.document_chunks(session, principal.tenant_id, document_id)


def document_titles(session: Session, principal: Principal, document_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return repo.document_titles(session, principal.tenant_id, document_ids)


def list_documents(session: Session, principal: Principal, page: PageRequest) -> list[KnowledgeDocument]:
    return repo.list_documents(session, principal.tenant_id, cursor=page.cursor, limit=page.limit)


def search(
    session: Session, principal: Principal, embedder: EmbeddingProvider, query: str, k: int
) -> list[Citation]:
    """Hybrid retrieval for the principal's tenant; the search is logged without its query text."""
    citations = retrieve(session, principal.tenant_id, query, embedder, k)
    audit.record(
        session, principal, AuditAction.KNOWLEDGE_SEARCHED, resource_type="knowledge",
        details={
            "k": k,
            "results": len(citations),
            "documents": len({c.document_id for c in citations}),
        },
    )
    return citations


REDACTED = "[erased]"


def redact_mentions(
    session: Session, principal: Principal, embedder: EmbeddingProvider, needles: Sequence[str]
) -> tuple[int, int]:
    """Replaces every mention of ``needles`` (an erased person's name, phone, e-mail) in the bound
    tenant's documents, and re-embeds what changed: the old chunks and vectors are deleted with the
    replacement, since vectors can be inverted back to their text. Returns (documents, chunks) redacted.

    The redacted document is stored as plain text: the original file's formatting is not kept."""
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
    documents = chunks = 0
    for document_id in repo.documents_mentioning(session, needles):
        document = _find(session, principal, document_id, lock=True)
        chunks += document.chunk_count
        source = DocumentSource(title=pattern.sub(REDACTED, document.title), kind=SourceKind.TEXT,
                                body=pattern.sub(REDACTED, document.content))
        replace_document(session, principal, embedder, document_id, source)
        documents += 1
    return documents, chunks
