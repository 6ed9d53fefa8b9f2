"""HTTP for business closures (holidays, special hours) and for opening hours checked against staff hours."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Response, status
from sqlalchemy.orm import Session

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.bookings import closures, hours_coverage
from engium.bookings.catalog import check_year
from engium.bookings.closure_rules import Spans
from engium.bookings.closure_schemas import (
    ClosureCreate,
    ClosureOut,
    ClosureUpdate,
    DayHoursOut,
    HoursCheckOut,
    HoursSpan,
    OpeningHoursUpdate,
    WeekdayCoverage,
)
from engium.bookings.schemas import CalendarDate
from engium.bookings.service import tenant_zone
from engium.kit.transaction import DbSession
from engium.tenancy.schemas import SettingsUpdate
from engium.tenancy.service import get_settings, update_settings

router = APIRouter(tags=["opening hours"])

HoursRead = Annotated[Principal, Requires(Permission.TENANT_READ)]
HoursWrite = Annotated[Principal, Requires(Permission.SETTINGS_WRITE)]


def _spans(spans: Spans) -> list[HoursSpan]:
    return [HoursSpan(opens=start, closes=end) for start, end in spans]


@router.get("/closures", response_model=list[ClosureOut])
def list_closures(
    principal: HoursRead,
    session: DbSession,
    from_date: Annotated[CalendarDate | None, Query(alias="from", description="Closures ending on or after")] = None,
    to_date: Annotated[CalendarDate | None, Query(alias="to", description="Closures starting on or before")] = None,
) -> list[ClosureOut]:
    for value, name in ((from_date, "from"), (to_date, "to")):
        if value is not None:
            check_year(value, name)
    found = closures.list_closures(session, from_date=from_date, to_date=to_date)
    return [ClosureOut.model_validate(row) for row in found]


@router.post("/closures", response_model=ClosureOut, status_code=status.HTTP_201_CREATED)
def create_closure(body: ClosureCreate, principal: HoursWrite, session: DbSession) -> ClosureOut:
    return ClosureOut.model_validate(closures.create_closure(session, principal, body))


@router.get("/closures/{closure_id:uuid}", response_model=ClosureOut)
def get_closure(closure_id: UUID, principal: HoursRead, session: DbSession) -> ClosureOut:
    return ClosureOut.model_validate(closures.get_closure(session, closure_id))


@router.patch("/closures/{closure_id:uuid}", response_model=ClosureOut)
def update_closure(closure_id: UUID, body: ClosureUpdate, principal: HoursWrite, session: DbSession) -> ClosureOut:
    return ClosureOut.model_validate(closures.update_closure(session, principal, closure_id, body))


@router.delete("/closures/{closure_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
def delete_closure(closure_id: UUID, principal: HoursWrite, session: DbSession) -> Response:
    closures.delete_closure(session, principal, closure_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _check(session: Session) -> HoursCheckOut:
    week = hours_coverage.week_hours(session)
    days = [
        WeekdayCoverage(
            weekday=weekday,
            open=_spans(week.declared.get(weekday) or []),
            staffed=_spans(week.staffed.get(weekday) or []),
            appointments=_spans(week.appointments(weekday)),
        )
        for weekday in range(7)
    ]
    return HoursCheckOut(opening_hours=dict(get_settings(session).opening_hours or {}),
                         timezone=tenant_zone(session).key, days=days, warnings=hours_coverage.warnings(session))


@router.get("/opening-hours/check", response_model=HoursCheckOut)
def check_opening_hours(principal: HoursRead, session: DbSession) -> HoursCheckOut:
    """The weekly opening hours against the active staff's weekly hours, with a warning per unstaffed gap."""
    return _check(session)


@router.put("/opening-hours", response_model=HoursCheckOut)
def replace_opening_hours(body: OpeningHoursUpdate, principal: HoursWrite, session: DbSession) -> HoursCheckOut:
    """Saves the week's opening hours (as PATCH /settings would) and answers with the check: hours nobody
    works are accepted, and each is named in ``warnings`` (ADR 0036)."""
    update_settings(session, principal, SettingsUpdate(opening_hours=body.model_dump()))
    return _check(session)


@router.get("/opening-hours/day", response_model=DayHoursOut)
def day_hours(
    principal: HoursRead,
    session: DbSession,
    day: Annotated[CalendarDate, Query(alias="date", description="Local date in the business's time zone")],
) -> DayHoursOut:
    """One date's hours as a customer is told them: its closure or special hours first, then the week's."""
    check_year(day, "date")
    found = hours_coverage.day_hours(session, day)
    closure = closures.get_closure(session, found.closure.id) if found.closure else None
    return DayHoursOut(
        date=day, open=found.open, hours=_spans(found.hours), appointments=_spans(found.appointments),
        closure=ClosureOut.model_validate(closure) if closure else None,
    )
