"""HTTP for calendars: feeds and imports under /api/v1 (a setting: owners and admins), and the feed itself at
``/calendar/{token}.ics``, which a calendar app fetches without logging in: the token is the credential."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.calendars import feeds, imports
from engium.calendars.schemas import (
    CalendarFeedCreate,
    CalendarFeedCreated,
    CalendarFeedOut,
    CalendarImportCreate,
    CalendarImportOut,
)
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession

router = APIRouter(tags=["calendars"])
public_router = APIRouter(tags=["calendars"])

SettingsWrite = Annotated[Principal, Requires(Permission.SETTINGS_WRITE)]
ICS_MEDIA_TYPE = "text/calendar; charset=utf-8"
_FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The feed as iCalendar (RFC 5545) text", "content": {"text/calendar": {}}},
    404: {"description": "No live feed has this token (unknown, or revoked by deleting the feed)"},
}


def feed_url(request: Request, token: str) -> str:
    return runtime_of(request).settings.resolved_public_url + feeds.feed_path(token)


@router.get("/calendar-feeds", response_model=list[CalendarFeedOut])
def list_calendar_feeds(principal: SettingsWrite, session: DbSession) -> list[CalendarFeedOut]:
    return [CalendarFeedOut.model_validate(f) for f in feeds.list_feeds(session)]


@router.post("/calendar-feeds", response_model=CalendarFeedCreated, status_code=status.HTTP_201_CREATED,
             responses={404: {"description": "No such staff member"}})
def create_calendar_feed(
    request: Request, body: CalendarFeedCreate, principal: SettingsWrite, session: DbSession
) -> CalendarFeedCreated:
    feed, token = feeds.create_feed(session, principal, body)
    return CalendarFeedCreated(**CalendarFeedOut.model_validate(feed).model_dump(), url=feed_url(request, token))


@router.delete("/calendar-feeds/{feed_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_calendar_feed(feed_id: UUID, principal: SettingsWrite, session: DbSession) -> Response:
    feeds.revoke_feed(session, principal, feed_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/calendar-imports", response_model=list[CalendarImportOut])
def list_calendar_imports(principal: SettingsWrite, session: DbSession) -> list[CalendarImportOut]:
    return [CalendarImportOut.model_validate(i) for i in imports.list_imports(session)]


@router.post("/calendar-imports", response_model=CalendarImportOut, status_code=status.HTTP_201_CREATED,
             responses={404: {"description": "No such staff member"},
                        422: {"description": "The address is not https, or its host is not public"}})
def create_calendar_import(
    request: Request, body: CalendarImportCreate, principal: SettingsWrite, session: DbSession
) -> CalendarImportOut:
    runtime = runtime_of(request)
    row = imports.create_import(session, runtime.vault, runtime.settings.webhooks, principal, body)
    return CalendarImportOut.model_validate(row)


@router.post("/calendar-imports/{import_id:uuid}/refresh", response_model=CalendarImportOut,
             status_code=status.HTTP_202_ACCEPTED)
def refresh_calendar_import(import_id: UUID, principal: SettingsWrite, session: DbSession) -> CalendarImportOut:
    """Fetches the calendar again soon (a background job), instead of at the next 15-minute sweep."""
    return CalendarImportOut.model_validate(imports.request_refresh(session, principal, import_id))


@router.delete("/calendar-imports/{import_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
def delete_calendar_import(import_id: UUID, principal: SettingsWrite, session: DbSession) -> Response:
    imports.delete_import(session, principal, import_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@public_router.get("/calendar/{token}.ics", response_class=Response, responses=_FEED_RESPONSES)
def calendar_feed(token: str, session: DbSession) -> Response:
    document = feeds.feed_document(session, token)
    # Never cached by a proxy, and the token (in the URL) never sent on as a referrer.
    return Response(document, media_type=ICS_MEDIA_TYPE,
                    headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"})
