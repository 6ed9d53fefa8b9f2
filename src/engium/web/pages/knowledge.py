"""Knowledge: paste or upload documents, see how they were chunked, and ask a test question to see what
retrieval returns, through the same ``knowledge.service`` calls as ``/api/v1/knowledge``."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from engium.access.permissions import Permission
from engium.kit.pagination import MAX_LIMIT, PageRequest
from engium.kit.transaction import DbSession
from engium.knowledge import service as knowledge
from engium.knowledge.parsing import SourceKind, UnsupportedSource, clean_text, kind_for_upload
from engium.knowledge.retrieval import Citation
from engium.runtime import Runtime
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.KNOWLEDGE_READ)]
Writer = Annotated[Member, actor(Permission.KNOWLEDGE_WRITE)]
PASTED_KINDS = (("text", "Plain text"), ("markdown", "Markdown"), ("html", "HTML"), ("faq", "FAQ (JSON)"))
TEST_RESULTS = 5
NOTICES = {"added": "Document added and indexed.", "deleted": "Document deleted."}


def _field(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _knowledge_page(request: Request, session: Session, member: Member, **extra: Any) -> HTMLResponse:
    documents = knowledge.list_documents(session, member.principal, PageRequest(cursor=None, limit=MAX_LIMIT))
    context: dict[str, Any] = {
        "documents": documents[:MAX_LIMIT], "kinds": PASTED_KINDS, "error": "", "question": "",
        "results": None, "paste": {"title": "", "kind": "text", "content": ""},
        "notice": NOTICES.get(request.query_params.get("done", ""), ""), **extra,
    }
    return render(request, "knowledge.html", context)


@router.get("/knowledge", response_class=HTMLResponse)
def knowledge_page(request: Request, member: Reader, session: DbSession) -> Response:
    return _knowledge_page(request, session, member)


@router.post("/knowledge/documents", response_class=HTMLResponse)
def paste_document(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    paste = {"title": _field(form, "title", 500), "kind": _field(form, "kind", 20),
             "content": _field(form, "content", knowledge.MAX_TEXT_CHARS + 1)}

    def add() -> UUID:
        if paste["kind"] not in dict(PASTED_KINDS):
            raise knowledge.UnsupportedMediaType("Choose what kind of text this is")
        source = knowledge.DocumentSource(paste["title"] or "Untitled document", SourceKind(paste["kind"]),
                                          paste["content"])
        return knowledge.add_document(session, member.principal, Runtime.of(request).embedder, source).id

    document_id = attempt(session, add, lambda m: _knowledge_page(request, session, member, error=m, paste=paste))
    return see_other(f"/knowledge/documents/{document_id}?done=added")


def _uploaded(upload: UploadFile, title: str) -> knowledge.DocumentSource:
    """As ``POST /api/v1/knowledge/documents/upload``: at most 5 MB, the kind from the name or type."""
    data = upload.file.read(knowledge.MAX_UPLOAD_BYTES + 1)
    if len(data) > knowledge.MAX_UPLOAD_BYTES:
        raise knowledge.PayloadTooLarge(f"Uploads are limited to {knowledge.MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    filename = clean_text(PurePosixPath((upload.filename or "").replace("\\", "/")).name)[:255] or None
    if not data:
        raise knowledge.UnsupportedMediaType("Choose a file to upload")
    try:
        kind = kind_for_upload(filename, upload.content_type)
    except UnsupportedSource as exc:
        raise knowledge.UnsupportedMediaType(str(exc)) from exc
    default_title = PurePosixPath(filename).stem if filename else ""
    return knowledge.DocumentSource(title or default_title or "Untitled document", kind, data, filename)


@router.post("/knowledge/upload", response_class=HTMLResponse)
def upload_document(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    upload = form.get("file")

    def add() -> UUID:
        if not isinstance(upload, UploadFile):
            raise knowledge.UnsupportedMediaType("Choose a file to upload")
        source = _uploaded(upload, _field(form, "title", 500))
        return knowledge.add_document(session, member.principal, Runtime.of(request).embedder, source).id

    document_id = attempt(session, add, lambda m: _knowledge_page(request, session, member, error=m))
    return see_other(f"/knowledge/documents/{document_id}?done=added")


@router.post("/knowledge/test", response_class=HTMLResponse)
def test_question(request: Request, member: Annotated[Member, actor(Permission.KNOWLEDGE_READ)],
                  session: DbSession, form: PostedForm) -> Response:
    """A search, not a change: POST only so that the question stays out of URLs and histories."""
    question = _field(form, "question", 1000).strip()
    results: list[Citation] = []
    if question:
        results = knowledge.search(session, member.principal, Runtime.of(request).embedder, question, TEST_RESULTS)
    return _knowledge_page(request, session, member, question=question, results=results)


@router.get("/knowledge/documents/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: UUID, member: Reader, session: DbSession) -> Response:
    document = knowledge.get_document(session, member.principal, document_id)
    chunks = knowledge.document_chunks(session, member.principal, document_id)
    return render(request, "knowledge_document.html", {
        "document": document, "chunks": chunks, "error": "",
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.post("/knowledge/documents/{document_id}/delete", response_class=HTMLResponse)
def delete_document(request: Request, document_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: knowledge.delete_document(session, member.principal, document_id),
            lambda m: _knowledge_page(request, session, member, error=m))
    return see_other("/knowledge?done=deleted")
