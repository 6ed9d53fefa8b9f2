"""Settings: services, and staff with their weekly hours and days off (``bookings.catalog``, as
``/api/v1/services``, ``/api/v1/staff`` and its ``availability`` routes). Owners and admins only: the
pages sit under Settings, which agents do not see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.bookings import catalog
from engium.bookings.schemas import (
    ExceptionCreate,
    ServiceCreate,
    ServiceUpdate,
    StaffCreate,
    StaffUpdate,
    WeeklyAvailability,
)
from engium.bookings.service import tenant_zone
from engium.errors import Unprocessable
from engium.kit.transaction import DbSession
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

# Under Settings: the same permission opens the section; the catalog's own permission changes it.
Reader = Annotated[Member, viewer(Permission.SETTINGS_WRITE)]
Writer = Annotated[Member, actor(Permission.CATALOG_WRITE)]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WINDOWS_PER_DAY = 2
NOTICES = {"saved": "Saved.", "deleted": "Deleted.", "added": "Added."}


def _text(form: Any, name: str, limit: int = 2000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _price_cents(text: str) -> int | None:
    """"55" or "55.50" (in the service's currency) to cents; empty: no price shown."""
    if not text:
        return None
    whole, _, fraction = text.replace(",", ".").partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise ValueError("Price: a number such as 55 or 55.50")
    return int(whole) * 100 + int(fraction.ljust(2, "0") or 0)


def _service_values(form: Any) -> dict[str, Any]:
    duration = _text(form, "duration_minutes", 5)
    return {
        "name": _text(form, "name", 200), "description": _text(form, "description"),
        "duration_minutes": int(duration) if duration.isdigit() else duration,
        "price_cents": _price_cents(_text(form, "price", 20)), "currency": _text(form, "currency", 3).upper() or "USD",
        "active": form.get("active") == "on",
    }


def _parsed(model: type[BaseModel], build: Callable[[], dict[str, Any]]) -> Any:
    """Builds and validates a request body; a ValueError from building reads like a validation error."""
    try:
        values = build()
    except ValueError as exc:
        raise Unprocessable(str(exc)) from exc
    return model.model_validate(values)


# --- services ------------------------------------------------------------------------------------


def _services_page(request: Request, session: Session, *, error: str = "", values: dict[str, Any] | None = None,
                   editing: UUID | None = None) -> HTMLResponse:
    return render(request, "settings_services.html", {
        "tab": "services", "services": catalog.list_services(session), "error": error, "values": values or {},
        "editing": editing, "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get("/settings/services", response_class=HTMLResponse)
def services(request: Request, member: Reader, session: DbSession) -> Response:
    editing = request.query_params.get("edit")
    return _services_page(request, session, editing=UUID(editing) if editing and len(editing) == 36 else None)


@router.post("/settings/services", response_class=HTMLResponse)
def add_service(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    attempt(session, lambda: catalog.create_service(session, member.principal,
                                                    _parsed(ServiceCreate, lambda: _service_values(form))),
            lambda message: _services_page(request, session, error=message, values=dict(form)))
    return see_other("/settings/services?done=added")


@router.post("/settings/services/{service_id}", response_class=HTMLResponse)
def update_service(
    request: Request, service_id: UUID, member: Writer, session: DbSession, form: PostedForm
) -> Response:
    attempt(session, lambda: catalog.update_service(session, member.principal, service_id,
                                                    _parsed(ServiceUpdate, lambda: _service_values(form))),
            lambda message: _services_page(request, session, error=message, editing=service_id))
    return see_other("/settings/services?done=saved")


@router.post("/settings/services/{service_id}/delete", response_class=HTMLResponse)
def delete_service(request: Request, service_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: catalog.delete_service(session, member.principal, service_id),
            lambda message: _services_page(request, session, error=message))
    return see_other("/settings/services?done=deleted")


# --- staff ---------------------------------------------------------------------------------------


def _staff_page(request: Request, session: Session, *, error: str = "") -> HTMLResponse:
    return render(request, "settings_staff.html", {
        "tab": "staff", "staff": catalog.list_staff(session), "services": catalog.list_services(session),
        "error": error, "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


def _staff_values(form: Any) -> dict[str, Any]:
    return {"name": _text(form, "name", 200), "email": _text(form, "email", 320) or None,
            "service_ids": [v for v in form.getlist("service_ids") if isinstance(v, str)]}


@router.get("/settings/staff", response_class=HTMLResponse)
def staff(request: Request, member: Reader, session: DbSession) -> Response:
    return _staff_page(request, session)


@router.post("/settings/staff", response_class=HTMLResponse)
def add_staff(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    view = attempt(session, lambda: catalog.create_staff(session, member.principal,
                                                         StaffCreate.model_validate(_staff_values(form))),
                   lambda message: _staff_page(request, session, error=message))
    return see_other(f"/settings/staff/{view.staff.id}?done=added")


def _week_rows(session: Session, staff_id: UUID) -> list[tuple[int, str, list[tuple[str, str]]]]:
    rules = sorted(catalog.get_week(session, staff_id), key=lambda r: (r.weekday, r.start_time))
    rows = []
    for weekday, label in enumerate(WEEKDAYS):
        windows = [(r.start_time.strftime("%H:%M"), r.end_time.strftime("%H:%M"))
                   for r in rules if r.weekday == weekday]
        rows.append((weekday, label, (windows + [("", "")] * WINDOWS_PER_DAY)[:max(WINDOWS_PER_DAY, len(windows))]))
    return rows


def _member_page(request: Request, session: Session, staff_id: UUID, *, error: str = "") -> HTMLResponse:
    view = catalog.get_staff(session, staff_id)
    today = datetime.now(tenant_zone(session)).date()
    return render(request, "settings_staff_member.html", {
        "tab": "staff", "view": view, "services": catalog.list_services(session),
        "week": _week_rows(session, staff_id),
        "exceptions": catalog.list_exceptions(session, staff_id, from_date=today), "error": error, "today": today,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get("/settings/staff/{staff_id}", response_class=HTMLResponse)
def staff_member(request: Request, staff_id: UUID, member: Reader, session: DbSession) -> Response:
    return _member_page(request, session, staff_id)


@router.post("/settings/staff/{staff_id}", response_class=HTMLResponse)
def update_staff(request: Request, staff_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    values = {**_staff_values(form), "active": form.get("active") == "on"}
    attempt(session,
            lambda: catalog.update_staff(session, member.principal, staff_id, StaffUpdate.model_validate(values)),
            lambda message: _member_page(request, session, staff_id, error=message))
    return see_other(f"/settings/staff/{staff_id}?done=saved")


def _week_from(form: Any) -> WeeklyAvailability:
    rules = []
    for weekday in range(7):
        for window in range(WINDOWS_PER_DAY + 2):
            start, end = _text(form, f"start_{weekday}_{window}", 5), _text(form, f"end_{weekday}_{window}", 5)
            if start or end:
                rules.append({"weekday": weekday, "start_time": start or None, "end_time": end or None})
    return WeeklyAvailability.model_validate({"rules": rules})


@router.post("/settings/staff/{staff_id}/availability", response_class=HTMLResponse)
def save_week(request: Request, staff_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    attempt(session, lambda: catalog.replace_week(session, member.principal, staff_id, _week_from(form)),
            lambda message: _member_page(request, session, staff_id, error=message))
    return see_other(f"/settings/staff/{staff_id}?done=saved#hours")


@router.post("/settings/staff/{staff_id}/days-off", response_class=HTMLResponse)
def add_day_off(request: Request, staff_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    body: dict[str, str | None] = {"on_date": _text(form, "on_date", 10), "kind": "closed",
                                   "note": _text(form, "note", 500)}
    start, end = _text(form, "start_time", 5), _text(form, "end_time", 5)
    if start or end:
        body.update(start_time=start or None, end_time=end or None)
    attempt(session,
            lambda: catalog.add_exception(session, member.principal, staff_id, ExceptionCreate.model_validate(body)),
            lambda message: _member_page(request, session, staff_id, error=message))
    return see_other(f"/settings/staff/{staff_id}?done=added#days-off")


@router.post("/settings/staff/{staff_id}/days-off/{exception_id}/delete", response_class=HTMLResponse)
def delete_day_off(
    request: Request, staff_id: UUID, exception_id: UUID, member: Writer, session: DbSession
) -> Response:
    attempt(session, lambda: catalog.delete_exception(session, member.principal, staff_id, exception_id),
            lambda message: _member_page(request, session, staff_id, error=message))
    return see_other(f"/settings/staff/{staff_id}?done=deleted#days-off")


@router.post("/settings/staff/{staff_id}/delete", response_class=HTMLResponse)
def delete_staff(request: Request, staff_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: catalog.delete_staff(session, member.principal, staff_id),
            lambda message: _member_page(request, session, staff_id, error=message))
    return see_other("/settings/staff?done=deleted")

