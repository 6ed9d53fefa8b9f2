"""HTTP for the knowledge base: documents (pasted or uploaded) and hybrid search with citations."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile, status

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.app_state import runtime_of
from engium.kit.pagination import Page, PageRequest, encode_cursor, page_request
from engium.kit.transaction import DbSession
from engium.knowledge import service
from engium.knowledge.models import KnowledgeDocument
from engium.knowledge.parsing import SourceKind, UnsupportedSource, clean_text, kind_for_upload
from engium.knowledge.schemas import (
    CitationOut,
    DocumentCreate,
    DocumentDetail,
    DocumentOut,
    SearchOut,
    SearchRequest,
)

router = APIRouter(prefix="/knowledge", tags=["knowledge"])

KnowledgeRead = Annotated[Principal, Requires(Permission.KNOWLEDGE_READ)]
KnowledgeWrite = Annotated[Principal, Requires(Permission.KNOWLEDGE_WRITE)]
Paging = Annotated[PageRequest, Depends(page_request)]
UploadedFile = Annotated[UploadFile, File(description="text, markdown, HTML, PDF, or an FAQ as JSON; at most 5 MB")]
UploadTitle = Annotated[str | None, Form(max_length=500, description="Defaults to the file name")]
UploadKind = Annotated[
    SourceKind | None, Form(description="Defaults to what the file's extension or content type says")
]


def _out(document: KnowledgeDocument) -> DocumentOut:
    return DocumentOut(
        id=document.id,
        title=document.title,
        source_kind=SourceKind(document.source_kind),
        source_filename=document.source_filename,
        source_bytes=document.source_bytes,
        chunk_count=document.chunk_count,
        embedding_model=document.embedding_model,
        content_sha256=document.content_sha256.hex(),
        created_at=document.created_at,
        updated_at=document.updated_at,
    )


def _detail(document: KnowledgeDocument) -> DocumentDetail:
    return DocumentDetail(**_out(document).model_dump(), content=document.content)


def _pasted(body: DocumentCreate) -> service.DocumentSource:
    return service.DocumentSource(title=body.title, kind=SourceKind(body.source_kind), body=body.content)


def _uploaded(file: UploadFile, title: str | None, kind: SourceKind | None) -> service.DocumentSource:
    # The multipart body is already spooled (to disk past 1 MB); read at most one byte past the limit.
    data = file.file.read(service.MAX_UPLOAD_BYTES + 1)
    if len(data) > service.MAX_UPLOAD_BYTES:
        raise service.PayloadTooLarge(f"uploads are limited to {service.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    filename = clean_text(PurePosixPath((file.filename or "").replace("\\", "/")).name)[:255] or None
    if kind is None:
        try:
            kind = kind_for_upload(filename, file.content_type)
        except UnsupportedSource as exc:
            raise service.UnsupportedMediaType(str(exc)) from exc
    default_title = PurePosixPath(filename).stem if filename else ""
    return service.DocumentSource(
        title=title or default_title or "Untitled document", kind=kind, body=data, filename=filename
    )


@router.get("/documents", response_model=Page[DocumentOut])
def list_documents(principal: KnowledgeRead, session: DbSession, page: Paging) -> Page[DocumentOut]:
    rows = service.list_documents(session, principal, page)
    items = rows[: page.limit]
    next_cursor = encode_cursor(items[-1].created_at, items[-1].id) if len(rows) > page.limit else None
    return Page(items=[_out(row) for row in items], next_cursor=next_cursor)


@router.post("/documents", response_model=DocumentOut, status_code=status.HTTP_201_CREATED)
def create_document(
    body: DocumentCreate, principal: KnowledgeWrite, session: DbSession, request: Request
) -> DocumentOut:
    """Adds pasted text, markdown, HTML or an FAQ: parsed, chunked, embedded and searchable at once."""
    document = service.add_document(session, principal, runtime_of(request).embedder, _pasted(body))
    return _out(document)


@router.post("/documents/upload", response_model=DocumentOut, status_code=status.HTTP_201_CREATED)
def upload_document(
    file: UploadedFile,
    principal: KnowledgeWrite,
    session: DbSession,
    request: Request,
    title: UploadTitle = None,
    source_kind: UploadKind = None,
) -> DocumentOut:
    """Adds an uploaded file (multipart/form-data): 413 past 5 MB, 415 for a type it cannot read."""
    source = _uploaded(file, title, source_kind)
    return _out(service.add_document(session, principal, runtime_of(request).embedder, source))


@router.get("/documents/{document_id:uuid}", response_model=DocumentDetail)
def get_document(document_id: UUID, principal: KnowledgeRead, session: DbSession) -> DocumentDetail:
    return _detail(service.get_document(session, principal, document_id))


@router.put("/documents/{document_id:uuid}", response_model=DocumentOut)
def replace_document(
    document_id: UUID, body: DocumentCreate, principal: KnowledgeWrite, session: DbSession, request: Request
) -> DocumentOut:
    """Re-ingests the document from new content; unchanged text keeps its chunks (no re-embedding)."""
    embedder = runtime_of(request).embedder
    return _out(service.replace_document(session, principal, embedder, document_id, _pasted(body)))


@router.put("/documents/{document_id:uuid}/upload", response_model=DocumentOut)
def replace_document_upload(
    document_id: UUID,
    file: UploadedFile,
    principal: KnowledgeWrite,
    session: DbSession,
    request: Request,
    title: UploadTitle = None,
    source_kind: UploadKind = None,
) -> DocumentOut:
    """Re-ingests the document from an uploaded file."""
    current = service.get_document(session, principal, document_id)  # 404 before reading the upload
    source = _uploaded(file, title or current.title, source_kind)
    embedder = runtime_of(request).embedder
    return _out(service.replace_document(session, principal, embedder, document_id, source))


@router.delete("/documents/{document_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
def delete_document(document_id: UUID, principal: KnowledgeWrite, session: DbSession) -> Response:
    """Deletes the document with its chunks and their vectors."""
    service.delete_document(session, principal, document_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/search", response_model=SearchOut)
def search(body: SearchRequest, principal: KnowledgeRead, session: DbSession, request: Request) -> SearchOut:
    """Hybrid search (vector + full text, reciprocal rank fusion) over this tenant's documents only."""
    citations = service.search(session, principal, runtime_of(request).embedder, body.query, body.k)
    return SearchOut(
        citations=[
            CitationOut(
                document_id=c.document_id, document_title=c.document_title, chunk_id=c.chunk_id,
                ordinal=c.ordinal, start_offset=c.start_offset, end_offset=c.end_offset, content=c.content,
                score=c.score, matched_by=c.matched_by,
            )
            for c in citations
        ]
    )
