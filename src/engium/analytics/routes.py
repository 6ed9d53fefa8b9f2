"""HTTP for the analytics report."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.analytics import service
from engium.analytics.schemas import AnalyticsOut, Bucket
from engium.bookings.catalog import check_year
from engium.bookings.schemas import CalendarDate
from engium.conversations.schemas import Channel
from engium.kit.transaction import DbSession

router = APIRouter(tags=["analytics"])

AnalyticsRead = Annotated[Principal, Requires(Permission.ANALYTICS_READ)]


@router.get(
    "/analytics", response_model=AnalyticsOut,
    responses={422: {"description": "`from` after `to`, a period over 366 days, or an unknown channel or bucket"}},
)
def analytics(
    principal: AnalyticsRead,
    session: DbSession,
    from_date: Annotated[CalendarDate, Query(alias="from", description="First local day of the period")],
    to_date: Annotated[CalendarDate, Query(alias="to", description="Last local day of the period (included)")],
    channel: Annotated[Channel | None, Query(description="Only conversations on this channel")] = None,
    bucket: Annotated[Bucket, Query(description="One series point per local day or ISO week")] = "day",
) -> AnalyticsOut:
    """Conversations, resolution without a person, escalations, first-response times, the assistant's bookings,
    no-shows and satisfaction ratings for a period, in the business's time zone (ADR 0044)."""
    check_year(from_date, "from")
    check_year(to_date, "to")
    return service.report(session, from_date, to_date, channel, bucket)
