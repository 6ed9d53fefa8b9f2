"""A produced subject export as a page a person can read (and print, or save as PDF from the browser):
every store of the person's data with its categories, then the audit events about them. The same kept
bundle as ``GET /api/v1/privacy/requests/{id}/export`` (its JSON is one click away); owners and admins
(``privacy:manage``); each view is audited (privacy/export_store.py)."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from engium.access.permissions import Permission
from engium.kit.transaction import DbSession
from engium.privacy import export_store
from engium.web.members import Member, viewer
from engium.web.page_route import PageRoute
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PrivacyManager = Annotated[Member, viewer(Permission.PRIVACY_MANAGE)]


def _readable(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return ", ".join(f"{k}: {_readable(v)}" for k, v in value.items()) if isinstance(value, dict) \
            else ", ".join(_readable(v) for v in value)
    return str(value)


@router.get("/privacy/requests/{request_id}/export", response_class=HTMLResponse)
def export_page(request: Request, request_id: UUID, member: PrivacyManager, session: DbSession) -> Response:
    bundle, expires_at = export_store.read(session, member.principal, request_id)
    sections = [
        {"table": table, "categories": bundle["categories"].get(table, []),
         "rows": [[(key, _readable(value)) for key, value in row.items()] for row in rows]}
        for table, rows in bundle["data"].items() if rows
    ]
    return render(request, "privacy_export.html", {
        "request_id": request_id, "bundle": bundle, "sections": sections, "expires_at": expires_at,
        "events": [{**event, "personal_text": _readable(event["personal"])} for event in bundle["audit_events"]],
    })
