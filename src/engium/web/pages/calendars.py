"""The Calendars settings tab: private ICS feeds (the URL is shown once, right after it is made) and the staff
members' imported calendars. The services are the API's; each change is audited there."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.bookings.catalog import list_staff
from engium.calendars import feeds, imports
from engium.calendars.schemas import CalendarFeedCreate, CalendarImportCreate
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SettingsReader = Annotated[Member, viewer(Permission.SETTINGS_WRITE)]
SettingsWriter = Annotated[Member, actor(Permission.SETTINGS_WRITE)]
PAGE = "/settings/calendars"
NOTICES = {
    "revoked": "Feed deleted: its address no longer works.",
    "imported": "Calendar added. Its busy times are fetched in a moment, then every 15 minutes.",
    "refreshing": "The calendar is being fetched again.",
    "removed": "Calendar removed: the times it blocked are free again.",
}


def _text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit].strip() if isinstance(value, str) else ""


def _page(request: Request, session: Session, *, error: str = "", new_url: str = "") -> HTMLResponse:
    staff = {view.staff.id: view.staff.name for view in list_staff(session)}
    return render(request, "settings_calendars.html", {
        "tab": "calendars", "feeds": feeds.list_feeds(session), "imports": imports.list_imports(session),
        "staff": staff, "error": error, "new_url": new_url,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get(PAGE, response_class=HTMLResponse)
def calendars_page(request: Request, member: SettingsReader, session: DbSession) -> Response:
    return _page(request, session)


@router.post(f"{PAGE}/feeds", response_class=HTMLResponse)
def add_feed(request: Request, member: SettingsWriter, session: DbSession, form: PostedForm) -> Response:
    staff = _text(form, "staff_id", 40)
    body = {"label": _text(form, "label", 400), "staff_id": staff or None,
            "include_customer_names": form.get("include_customer_names") == "on"}
    _, token = attempt(session, lambda: feeds.create_feed(session, member.principal, CalendarFeedCreate(**body)),
                       lambda message: _page(request, session, error=message))
    # Rendered, not redirected: the URL exists only in this response.
    return _page(request, session, new_url=runtime_of(request).settings.resolved_public_url + feeds.feed_path(token))


@router.post(PAGE + "/feeds/{feed_id}/delete", response_class=HTMLResponse)
def revoke_feed(request: Request, feed_id: UUID, member: SettingsWriter, session: DbSession) -> Response:
    attempt(session, lambda: feeds.revoke_feed(session, member.principal, feed_id),
            lambda message: _page(request, session, error=message))
    return see_other(f"{PAGE}?done=revoked")


@router.post(f"{PAGE}/imports", response_class=HTMLResponse)
def add_import(request: Request, member: SettingsWriter, session: DbSession, form: PostedForm) -> Response:
    runtime = runtime_of(request)
    body = {"staff_id": _text(form, "staff_id", 40), "url": _text(form, "url", 2000)}
    attempt(session, lambda: imports.create_import(session, runtime.vault, runtime.settings.webhooks,
                                                   member.principal, CalendarImportCreate(**body)),
            lambda message: _page(request, session, error=message))
    return see_other(f"{PAGE}?done=imported")


@router.post(PAGE + "/imports/{import_id}/refresh", response_class=HTMLResponse)
def refresh_import(request: Request, import_id: UUID, member: SettingsWriter, session: DbSession) -> Response:
    attempt(session, lambda: imports.request_refresh(session, member.principal, import_id),
            lambda message: _page(request, session, error=message))
    return see_other(f"{PAGE}?done=refreshing")


@router.post(PAGE + "/imports/{import_id}/delete", response_class=HTMLResponse)
def delete_import(request: Request, import_id: UUID, member: SettingsWriter, session: DbSession) -> Response:
    attempt(session, lambda: imports.delete_import(session, member.principal, import_id),
            lambda message: _page(request, session, error=message))
    return see_other(f"{PAGE}?done=removed")
