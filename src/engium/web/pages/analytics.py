"""The analytics page: the numbers of ``GET /api/v1/analytics`` for a period and channel, as SVG charts and a table.

Owners, admins and auditors (``analytics:read``), as the API. The period defaults to the last 28 local days;
a period the API would refuse (``from`` after ``to``, over 366 days) is shown as the API's message above the
form, never as an error page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, get_args

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from engium.access.permissions import Permission
from engium.analytics.schemas import AnalyticsOut, Bucket, BucketMetrics
from engium.analytics.service import report
from engium.bookings.service import tenant_zone
from engium.conversations.schemas import Channel
from engium.errors import Unprocessable
from engium.kit.transaction import DbSession
from engium.web.members import Member, viewer
from engium.web.page_route import PageRoute
from engium.web.pages.inbox import CHANNEL_LABELS
from engium.web.rendering import render
from engium.web.svg_charts import Series, bar_chart, line_chart

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.ANALYTICS_READ)]
DEFAULT_DAYS = 28
CHANNELS: tuple[str, ...] = get_args(Channel)
BUCKETS: tuple[str, ...] = get_args(Bucket)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _charts(found: AnalyticsOut) -> list[dict[str, Any]]:
    series: list[BucketMetrics] = found.series
    labels = [f"{b.start.day} {b.start.strftime('%b')}" for b in series]
    return [
        {"title": "Conversations", "svg": bar_chart("Conversations started", labels, [
            Series("started", [b.conversations for b in series]),
            Series("escalated", [b.escalated for b in series])]), "legend": ["Started", "Escalated"]},
        {"title": "Resolved without a person and escalation rate", "svg": line_chart(
            "Share resolved without a person, and escalation rate", labels, [
                Series("resolved without a person", [b.resolved_without_person_share for b in series]),
                Series("escalation rate", [b.escalation_rate for b in series])], _percent, top=1.0),
         "legend": ["Resolved without a person", "Escalation rate"]},
        {"title": "First response (median)", "svg": line_chart("Median first-response time", labels, [
            Series("assistant", [b.assistant_first_response.median_seconds for b in series]),
            Series("people", [b.staff_first_response.median_seconds for b in series])], _duration),
         "legend": ["Assistant", "People"]},
        {"title": "Bookings and no-shows", "svg": bar_chart("Bookings made by the assistant, and no-shows", labels, [
            Series("booked by the assistant", [b.bookings_by_assistant for b in series]),
            Series("no-shows", [b.no_shows for b in series])]), "legend": ["Booked by the assistant", "No-shows"]},
        {"title": "Customer satisfaction", "svg": line_chart("Average satisfaction rating (1-5)", labels, [
            Series("average rating", [b.csat_average for b in series])], lambda v: f"{v:.1f}", top=5.0),
         "legend": ["Average rating"]},
    ]


@router.get("/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request,
    member: Reader,
    session: DbSession,
    from_value: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    to_value: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    channel: Annotated[str | None, Query(max_length=20)] = None,
    bucket: Annotated[str | None, Query(max_length=10)] = None,
) -> HTMLResponse:
    today = datetime.now(tenant_zone(session)).date()
    to_date = _date(to_value) or today
    from_date = _date(from_value) or to_date - timedelta(days=DEFAULT_DAYS - 1)
    chosen_channel = channel if channel in CHANNELS else None
    chosen_bucket: Bucket = "week" if bucket == "week" else "day"
    filters = {"from": from_date.isoformat(), "to": to_date.isoformat(), "channel": chosen_channel or "",
               "bucket": chosen_bucket}
    context: dict[str, Any] = {"filters": filters, "channels": [(c, CHANNEL_LABELS.get(c, c)) for c in CHANNELS],
                               "buckets": BUCKETS, "found": None, "charts": [], "error": "",
                               "percent": _percent, "duration": _duration}
    try:
        found = report(session, from_date, to_date, chosen_channel, chosen_bucket)
    except Unprocessable as refused:
        context["error"] = refused.message
        return render(request, "analytics.html", context, status=422)
    context.update(found=found, charts=_charts(found))
    return render(request, "analytics.html", context)
