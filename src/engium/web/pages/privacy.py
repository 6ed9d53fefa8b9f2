"""Privacy: data-subject requests with their legal clocks, and the retention settings in force.

Owners, admins and auditors (``privacy:read``), as ``/api/v1/privacy``; also the record of processing.
The page reads; requests are filed and fulfilled through the API (``/api/v1/privacy/requests``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from engium.access.permissions import Permission
from engium.kit.transaction import DbSession
from engium.privacy import export_store, requests
from engium.privacy.models import PrivacyRequest
from engium.privacy.policy import LIMITS, current_policy
from engium.privacy.processing_record import record_of_processing
from engium.privacy.routes import model_processing
from engium.privacy.schemas import RecordOfProcessing
from engium.web.members import Member, viewer
from engium.web.page_route import PageRoute
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PrivacyReader = Annotated[Member, viewer(Permission.PRIVACY_READ)]


def _clock(request: PrivacyRequest, now: datetime) -> dict[str, Any]:
    deadline = request.deadline
    closed = request.status in requests.CLOSED
    running = not closed and deadline is not None
    overdue = running and deadline is not None and deadline < now
    return {"request": request, "deadline": deadline,
            "days_left": (deadline - now).days if running and deadline is not None and not overdue else None,
            # Whole days past the deadline, counted the way the days left are (a day late, not "-1").
            "days_over": (now - deadline).days if overdue and deadline is not None else None}


@router.get("/privacy/record", response_class=HTMLResponse)
def record_page(request: Request, member: PrivacyReader, session: DbSession) -> Response:
    """The record of processing (GDPR Art. 30) as the API gives it, for the business's DPO to read."""
    record = record_of_processing(session, model_processing(request), current_policy(session).as_dict())
    return render(request, "privacy_record.html", {"record": RecordOfProcessing.model_validate(record)})


@router.get("/privacy", response_class=HTMLResponse)
def privacy_page(request: Request, member: PrivacyReader, session: DbSession) -> Response:
    now = datetime.now(UTC)
    policy = current_policy(session)
    return render(request, "privacy.html", {
        "clocks": [_clock(r, now) for r in requests.list_requests(session)],
        "settings": [(name, getattr(policy, name), limit) for name, limit in LIMITS.items()],
        "regime": policy.regime, "kept": export_store.kept_for(session),
    })
