"""The operator console's Businesses page (ADR 0040): every tenant with its usage, suspend, unsuspend and
delete. The same functions as ``engium tenant list|suspend|unsuspend`` (tenancy/lifecycle.py), signed in
with the operator token like the rest of the console (web/operator_viewer.py, ADR 0029).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from engium.audit.actions import ActorKind
from engium.errors import AppError, NotFound
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.tenancy import lifecycle
from engium.tenancy.binding import tenant_transaction
from engium.web.members import PostedForm
from engium.web.operator_viewer import OperatorActing, OperatorViewer, OperatorViewing
from engium.web.page_route import FormRejected, PageRoute, describe, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

NOTICES = {"suspended": "The business is suspended: nobody can sign in or reach it, and nothing it queued is sent.",
           "unsuspended": "The business is active again.", "deleted": "The business and all its data are deleted."}


def _actor(viewer: OperatorViewer) -> lifecycle.Actor:
    return ActorKind.OPERATOR, viewer.operator.name


def _text(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _list_page(request: Request, *, error: str = "", status: int = 200) -> HTMLResponse:
    usage = lifecycle.list_usage(runtime_of(request).database)
    return render(request, "operator_tenants.html", {
        "tenants": usage, "error": error, "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    }, status=status)


def _refused(request: Request, exc: AppError) -> FormRejected:
    status, message = describe(exc) or (400, exc.message)
    return FormRejected(_list_page(request, error=message, status=status))


def _changed(request: Request, change: Callable[[], object], done: str) -> Response:
    """Runs a change from the list page: an unknown business is 404, a refusal shows the list with why."""
    try:
        change()
    except NotFound:
        raise
    except AppError as exc:
        raise _refused(request, exc) from exc
    return see_other(f"/operator/tenants?done={done}")


@router.get("/operator/tenants", response_class=HTMLResponse)
def tenants_page(request: Request, viewer: OperatorViewing, session: DbSession) -> Response:
    return _list_page(request)


@router.post("/operator/tenants/{tenant_id}/suspend", response_class=HTMLResponse)
def suspend(request: Request, tenant_id: UUID, viewer: OperatorActing, session: DbSession,
            form: PostedForm) -> Response:
    database = runtime_of(request).database
    return _changed(request, lambda: lifecycle.suspend(database, tenant_id, reason=_text(form, "reason", 600),
                                                       actor=_actor(viewer)), "suspended")


@router.post("/operator/tenants/{tenant_id}/unsuspend", response_class=HTMLResponse)
def unsuspend(request: Request, tenant_id: UUID, viewer: OperatorActing, session: DbSession) -> Response:
    database = runtime_of(request).database
    return _changed(request, lambda: lifecycle.unsuspend(database, tenant_id, actor=_actor(viewer)), "unsuspended")


def _delete_page(request: Request, tenant_id: UUID, *, error: str = "", status: int = 200) -> HTMLResponse:
    with tenant_transaction(runtime_of(request).database, tenant_id) as bound:
        usage = lifecycle.usage_of(bound)
    return render(request, "operator_tenant_delete.html", {"tenant": usage, "error": error}, status=status)


@router.get("/operator/tenants/{tenant_id}/delete", response_class=HTMLResponse)
def delete_form(request: Request, tenant_id: UUID, viewer: OperatorViewing, session: DbSession) -> Response:
    return _delete_page(request, tenant_id)


@router.post("/operator/tenants/{tenant_id}/delete", response_class=HTMLResponse)
def delete(request: Request, tenant_id: UUID, viewer: OperatorActing, session: DbSession,
           form: PostedForm) -> Response:
    try:
        lifecycle.delete(runtime_of(request).database, tenant_id, confirm_name=_text(form, "confirm_name", 300),
                         actor=_actor(viewer))
    except NotFound:
        raise
    except AppError as exc:
        status, message = describe(exc) or (400, exc.message)
        raise FormRejected(_delete_page(request, tenant_id, error=message, status=status)) from exc
    return see_other("/operator/tenants?done=deleted")
