"""The staff inbox tools in the web app: canned responses (a settings tab), message search, and merging two
contacts after a confirmation. The services are the API's; each change is audited there."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.conversations import canned_responses as canned
from engium.conversations import contacts
from engium.conversations.inbox_schemas import CannedResponseCreate, CannedResponseUpdate, MessageSearchPage
from engium.conversations.search import MAX_QUERY_LENGTH, SearchFilters, check_query, search_messages
from engium.errors import AppError
from engium.kit.pagination import PageRequest, decode_cursor
from engium.kit.transaction import DbSession
from engium.privacy.contact_merge import merge_contacts
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.pages.inbox import CHANNEL_LABELS
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SettingsReader = Annotated[Member, viewer(Permission.SETTINGS_WRITE)]
SettingsWriter = Annotated[Member, actor(Permission.SETTINGS_WRITE)]
SearchReader = Annotated[Member, viewer(Permission.CONVERSATIONS_READ)]
MergeReader = Annotated[Member, viewer(Permission.CONTACTS_WRITE)]
MergeWriter = Annotated[Member, actor(Permission.CONTACTS_WRITE)]
NOTICES = {"added": "Canned response added.", "saved": "Canned response saved.", "deleted": "Canned response deleted."}
SEARCH_PAGE_SIZE = 25
CANDIDATES_SHOWN = 20


def _text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _canned_values(form: Any) -> dict[str, Any]:
    shortcut = _text(form, "shortcut", 100).strip().lstrip("/").lower()
    return {"title": _text(form, "title", 400), "body": _text(form, "body", 20000), "shortcut": shortcut or None}


def _canned_page(request: Request, session: Session, *, error: str = "", values: dict[str, Any] | None = None,
                 editing: UUID | None = None) -> HTMLResponse:
    return render(request, "settings_canned.html", {
        "tab": "canned", "responses": canned.list_canned_responses(session), "error": error, "values": values or {},
        "editing": editing, "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get("/settings/canned-responses", response_class=HTMLResponse)
def canned_responses_page(request: Request, member: SettingsReader, session: DbSession,
                          edit: UUID | None = None) -> Response:
    return _canned_page(request, session, editing=edit)


@router.post("/settings/canned-responses", response_class=HTMLResponse)
def add_canned_response(request: Request, member: SettingsWriter, session: DbSession, form: PostedForm) -> Response:
    values = _canned_values(form)
    attempt(session, lambda: canned.create_canned_response(session, member.principal, CannedResponseCreate(**values)),
            lambda message: _canned_page(request, session, error=message, values=values))
    return see_other("/settings/canned-responses?done=added")


@router.post("/settings/canned-responses/{canned_id}", response_class=HTMLResponse)
def save_canned_response(request: Request, canned_id: UUID, member: SettingsWriter, session: DbSession,
                         form: PostedForm) -> Response:
    values = _canned_values(form)
    attempt(session,
            lambda: canned.update_canned_response(session, member.principal, canned_id, CannedResponseUpdate(**values)),
            lambda message: _canned_page(request, session, error=message, editing=canned_id))
    return see_other("/settings/canned-responses?done=saved")


@router.post("/settings/canned-responses/{canned_id}/delete", response_class=HTMLResponse)
def delete_canned_response(request: Request, canned_id: UUID, member: SettingsWriter, session: DbSession) -> Response:
    attempt(session, lambda: canned.delete_canned_response(session, member.principal, canned_id),
            lambda message: _canned_page(request, session, error=message))
    return see_other("/settings/canned-responses?done=deleted")


def _day(value: str, zone: str, *, end: bool) -> datetime | None:
    """A day from the search form's date field: its start (or, for ``to``, the next day's) in the member's zone."""
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        return None
    start = datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))
    return start + timedelta(days=1) if end else start


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    member: SearchReader,
    session: DbSession,
    q: Annotated[str, Query(max_length=MAX_QUERY_LENGTH)] = "",
    channel: Annotated[str, Query(max_length=20)] = "",
    sent_from: Annotated[str, Query(alias="from", max_length=10)] = "",
    sent_to: Annotated[str, Query(alias="to", max_length=10)] = "",
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    found: MessageSearchPage | None = None
    error = ""
    if q.strip():
        try:
            filters = SearchFilters(q=check_query(q), channel=channel if channel in CHANNEL_LABELS else None,
                                    sent_from=_day(sent_from, member.timezone, end=False),
                                    sent_before=_day(sent_to, member.timezone, end=True))
            page = PageRequest(cursor=decode_cursor(cursor), limit=SEARCH_PAGE_SIZE)
            found = search_messages(session, member.principal, filters, page)
        except AppError as exc:
            error = exc.message
    return render(request, "search.html", {
        "q": q, "channel": channel, "sent_from": sent_from, "sent_to": sent_to, "found": found, "error": error,
        "channel_labels": CHANNEL_LABELS,
    })


@router.get("/contacts/{contact_id}/merge", response_class=HTMLResponse)
def confirm_merge(request: Request, contact_id: UUID, member: MergeReader, session: DbSession,
                  q: Annotated[str, Query(max_length=200)] = "", into: UUID | None = None) -> Response:
    return _merge_page(request, session, member, contact_id, q=q, into=into)


def _merge_page(request: Request, session: Session, member: Member, contact_id: UUID, *, q: str = "",
                into: UUID | None = None, error: str = "") -> HTMLResponse:
    contact = contacts.get_contact(session, member.principal, contact_id)
    candidates = [c for c in contacts.list_contacts(session, member.principal,
                                                    PageRequest(cursor=None, limit=CANDIDATES_SHOWN), q or None)
                  if c.id != contact_id][:CANDIDATES_SHOWN] if q.strip() else []
    target = contacts.contact_by_id(session, into) if into is not None and into != contact_id else None
    return render(request, "contact_merge.html", {"contact": contact, "q": q, "candidates": candidates,
                                                  "target": target, "error": error})


@router.post("/contacts/{contact_id}/merge", response_class=HTMLResponse)
def merge_contact(request: Request, contact_id: UUID, member: MergeWriter, session: DbSession,
                  form: PostedForm) -> Response:
    chosen = _text(form, "into_contact_id", 40)
    try:
        into = UUID(chosen)
    except ValueError:
        page = _merge_page(request, session, member, contact_id, error="Choose the contact to merge into")
        page.status_code = 422
        return page
    attempt(session, lambda: merge_contacts(session, member.principal, contact_id, into),
            lambda message: _merge_page(request, session, member, contact_id, into=into, error=message))
    return see_other(f"/contacts/{into}?done=merged")
