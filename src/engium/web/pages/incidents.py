"""Security incidents Engium notified this business about: read-only, newest first.

Owners, admins and auditors (``privacy:read``), as ``/api/v1/incident-notifications``. Each notice is
the business's own row (RLS), as it was drafted when the business was told. Operators work on incidents
in the operator console (pages/operator.py, ADR 0029), the operator API and ``engium incident``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from engium.access.permissions import Permission
from engium.incidents.notifications import CATEGORY_WORDS
from engium.incidents.repository import tenant_notifications
from engium.kit.transaction import DbSession
from engium.web.members import Member, viewer
from engium.web.page_route import PageRoute
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PrivacyReader = Annotated[Member, viewer(Permission.PRIVACY_READ)]


@router.get("/privacy/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, member: PrivacyReader, session: DbSession) -> Response:
    return render(request, "incidents.html", {"notifications": tenant_notifications(session),
                                              "words": CATEGORY_WORDS})
