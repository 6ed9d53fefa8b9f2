"""Contacts: search, view (logged as an access, like ``GET /api/v1/contacts/{id}``), and delete after a
confirmation that says what goes with the contact (its conversations and messages)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.bookings import repository as bookings_repo
from engium.bookings import service as bookings
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.kit.pagination import PageRequest, decode_cursor, encode_cursor
from engium.kit.transaction import DbSession
from engium.web.members import Member, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.pages.inbox import CHANNEL_LABELS
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.CONTACTS_READ)]
PAGE_SIZE = 50
RELATED_SHOWN = 20


@router.get("/contacts", response_class=HTMLResponse)
def contacts_page(
    request: Request,
    member: Reader,
    session: DbSession,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    found = contacts.list_contacts(session, member.principal,
                                        PageRequest(cursor=decode_cursor(cursor), limit=PAGE_SIZE), q)
    shown = found[:PAGE_SIZE]
    next_cursor = encode_cursor(shown[-1].created_at, shown[-1].id) if len(found) > PAGE_SIZE else None
    notice = "Contact deleted." if request.query_params.get("done") == "deleted" else ""
    return render(request, "contacts.html", {"contacts": shown, "q": q or "", "next_cursor": next_cursor,
                                             "notice": notice})


def _related(session: Session, member: Member, contact_id: UUID) -> dict[str, object]:
    threads = conversations.list_conversations(session, member.principal, PageRequest(cursor=None, limit=RELATED_SHOWN),
                                               contact_id=contact_id)[:RELATED_SHOWN]
    related: dict[str, object] = {"conversations": threads, "channel_labels": CHANNEL_LABELS, "bookings": []}
    if member.can(Permission.BOOKINGS_READ):
        page = bookings.list_bookings(session, bookings_repo.BookingFilters(contact_id=contact_id),
                                      PageRequest(cursor=None, limit=RELATED_SHOWN))
        zone = bookings.tenant_zone(session)
        related["bookings"] = [(b, b.starts_at.astimezone(zone)) for b in page.items]
    return related


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
def contact_page(request: Request, contact_id: UUID, member: Reader, session: DbSession) -> Response:
    contact = contacts.view_contact(session, member.principal, contact_id)
    merged = request.query_params.get("done") == "merged"
    notice = "Contacts merged: this contact now holds both records." if merged else ""
    return render(request, "contact.html",
                  {"contact": contact, "notice": notice, **_related(session, member, contact_id)})


@router.get("/contacts/{contact_id}/delete", response_class=HTMLResponse)
def confirm_delete(request: Request, contact_id: UUID,
                   member: Annotated[Member, viewer(Permission.CONTACTS_WRITE)], session: DbSession) -> Response:
    contact = contacts.get_contact(session, member.principal, contact_id)
    threads = conversations.list_conversations(session, member.principal, PageRequest(cursor=None, limit=200),
                                               contact_id=contact_id)
    return render(request, "contact_delete.html", {"contact": contact, "conversation_count": len(threads),
                                                   "error": ""})


@router.post("/contacts/{contact_id}/delete", response_class=HTMLResponse)
def delete_contact(request: Request, contact_id: UUID,
                   member: Annotated[Member, actor(Permission.CONTACTS_WRITE)], session: DbSession) -> Response:
    def page(message: str) -> HTMLResponse:
        contact = contacts.get_contact(session, member.principal, contact_id)
        return render(request, "contact_delete.html", {"contact": contact, "conversation_count": 0, "error": message})

    attempt(session, lambda: contacts.delete_contact(session, member.principal, contact_id), page)
    return see_other("/contacts?done=deleted")
