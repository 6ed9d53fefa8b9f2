"""The operator console (ADR 0029): incidents with their GDPR clocks, and the SOC 2 evidence archive.

Signed in with the operator token (web/operator_viewer.py). Every action goes through the same services
as the operator API (``/api/v1/operator/incidents``) and ``engium incident``/``engium evidence``, with the
same request models, so the rules (status order, the review to close, tenants told once) and the audit
events are theirs.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.audit.actions import AuditAction
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.recorder import record
from engium.audit.signing import load_or_create_signing_key, signing_key_path, verifier_keys
from engium.errors import AppError, Unauthorized
from engium.evidence.export import export_operator
from engium.evidence.window import Window
from engium.incidents import repository as repo
from engium.incidents import service
from engium.incidents.notifications import CATEGORY_WORDS, notify_tenants
from engium.incidents.schemas import EntryCreate, IncidentCreate, StatusChange
from engium.incidents.service import NEXT_STATUS, SEVERITIES, Operator
from engium.incidents.views import incident_detail, incident_out
from engium.kit.app_state import runtime_of
from engium.kit.request_fields import IsoDate
from engium.kit.transaction import DbSession
from engium.privacy.retention import tenant_ids
from engium.runtime import Runtime
from engium.web.members import PostedForm
from engium.web.operator_viewer import (
    COOKIE_PATH,
    NAME_COOKIE,
    SESSION_SECONDS,
    TOKEN_COOKIE,
    OperatorActing,
    OperatorSignInRequired,
    OperatorViewing,
    clean_name,
    configured_hash,
    resolve_operator,
    token_is_valid,
)
from engium.web.page_route import FormRejected, PageRoute, attempt, describe, error_page, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

NOTICES = {"signed-out": "You have signed out of the operator console.", "noted": "Added to the timeline.",
           "status": "Status changed.", "notified": "The affected businesses were told."}
# <input type="datetime-local"> sends minutes without a zone; the form says the times are UTC.
LOCAL_MINUTE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def _text(form: Any, name: str, limit: int = 20000) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _utc(value: str) -> str | None:
    value = value.strip()
    return (value + ":00+00:00" if LOCAL_MINUTE.fullmatch(value) else value) or None


# --- signing in and out --------------------------------------------------------------------------------


def _sign_in_page(request: Request, *, error: str = "", status: int = 200) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return render(request, "operator_sign_in.html", {"error": error, "notice": notice}, status=status)


@router.get("/operator/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, session: DbSession) -> Response:
    try:
        resolve_operator(request, session, posted_csrf=None)
        return see_other("/operator")
    except OperatorSignInRequired:
        return _sign_in_page(request)


@router.post("/operator/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, session: DbSession, form: PostedForm) -> Response:
    runtime = Runtime.of(request)
    if configured_hash(request) is None:
        raise Unauthorized("The operator console is disabled: ENGIUM_OPERATOR_TOKEN_SHA256 is not set")
    client = request.client.host if request.client else "unknown"
    if not runtime.login_limiter.allow(f"operator:{client}"):
        raise FormRejected(_sign_in_page(request, error="Too many attempts; wait a minute.", status=429))
    token = _text(form, "token", 300).strip()
    if not token_is_valid(request, token):
        raise FormRejected(_sign_in_page(request, error="That is not the operator token.", status=401))
    name = clean_name(form.get("name"))
    record(session, None, AuditAction.OPERATOR_SIGNED_IN, resource_type="operator_console",
           actor=Operator(f"console:{name}" if name else "console").actor)
    response = see_other("/operator")
    secure = runtime.settings.secure_cookies
    for cookie, value in ((TOKEN_COOKIE, token), (NAME_COOKIE, name)):
        response.set_cookie(cookie, value, max_age=SESSION_SECONDS, httponly=True, secure=secure,
                            samesite="strict", path=COOKIE_PATH)
    return response


@router.post("/operator/sign-out")
def sign_out(viewer: OperatorActing, session: DbSession) -> Response:
    record(session, None, AuditAction.OPERATOR_SIGNED_OUT, resource_type="operator_console",
           actor=viewer.operator.actor)
    response = see_other("/operator/sign-in?done=signed-out")
    for cookie in (TOKEN_COOKIE, NAME_COOKIE):
        response.delete_cookie(cookie, path=COOKIE_PATH)
    return response


# --- incidents ---------------------------------------------------------------------------------------


def _incidents_page(request: Request, session: Session, *, error: str = "", values: dict[str, str] | None = None,
                    status: int = 200) -> HTMLResponse:
    now = repo.database_now(session)
    return render(request, "operator_incidents.html", {
        "incidents": [incident_out(i, now) for i in repo.list_incidents(session)], "severities": SEVERITIES,
        "categories": CATEGORY_WORDS, "error": error, "values": values or {}, "now": now,
    }, status=status)


@router.get("/operator", response_class=HTMLResponse)
def incidents_page(request: Request, viewer: OperatorViewing, session: DbSession) -> Response:
    return _incidents_page(request, session)


@router.post("/operator/incidents", response_class=HTMLResponse)
def declare(request: Request, viewer: OperatorActing, session: DbSession, form: PostedForm) -> Response:
    values = {name: _text(form, name) for name in ("title", "severity", "tenant_ids", "owner", "description",
                                                   "aware_at", "window_start", "window_end")}

    def declared() -> UUID:
        body = IncidentCreate.model_validate({
            "title": values["title"], "severity": values["severity"],
            "tenant_ids": values["tenant_ids"].split(), "categories": form.getlist("categories"),
            "aware_at": _utc(values["aware_at"]), "window_start": _utc(values["window_start"]),
            "window_end": _utc(values["window_end"]), "owner": values["owner"].strip(),
            "description": values["description"].strip() or None,
        })
        incident = service.declare(
            session, viewer.operator, runtime_of(request).settings.incidents, title=body.title,
            severity=body.severity, tenant_ids=body.tenant_ids, categories=body.categories, aware_at=body.aware_at,
            window_start=body.window_start, window_end=body.window_end, owner=body.owner,
            description=body.description or "")
        return incident.id

    incident_id = attempt(session, declared,
                          lambda message: _incidents_page(request, session, error=message, values=values))
    return see_other(f"/operator/incidents/{incident_id}")


def _incident_page(request: Request, session: Session, incident_id: UUID, *, error: str = "",
                   status: int = 200) -> HTMLResponse:
    detail = incident_detail(session, service.get(session, incident_id), repo.database_now(session))
    pending = [t for t in detail.tenant_ids if t not in set(detail.notified_tenant_ids)]
    return render(request, "operator_incident.html", {
        "incident": detail, "pending": pending, "next_status": NEXT_STATUS.get(detail.status),
        "categories": CATEGORY_WORDS, "error": error,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    }, status=status)


@router.get("/operator/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, incident_id: UUID, viewer: OperatorViewing, session: DbSession) -> Response:
    return _incident_page(request, session, incident_id)


@router.post("/operator/incidents/{incident_id}/timeline", response_class=HTMLResponse)
def add_entry(request: Request, incident_id: UUID, viewer: OperatorActing, session: DbSession,
              form: PostedForm) -> Response:
    attempt(session, lambda: service.add_entry(session, viewer.operator, incident_id,
                                               EntryCreate(body=_text(form, "body", 6000).strip()).body),
            lambda message: _incident_page(request, session, incident_id, error=message))
    return see_other(f"/operator/incidents/{incident_id}?done=noted")


@router.post("/operator/incidents/{incident_id}/status", response_class=HTMLResponse)
def change_status(request: Request, incident_id: UUID, viewer: OperatorActing, session: DbSession,
                  form: PostedForm) -> Response:
    def changed() -> None:
        body = StatusChange.model_validate({"status": _text(form, "status", 20),
                                            "review": _text(form, "review").strip() or None})
        service.change_status(session, viewer.operator, incident_id, body.status, review=body.review)

    attempt(session, changed, lambda message: _incident_page(request, session, incident_id, error=message))
    return see_other(f"/operator/incidents/{incident_id}?done=status")


@router.post("/operator/incidents/{incident_id}/notifications", response_class=HTMLResponse)
def notify(request: Request, incident_id: UUID, viewer: OperatorActing, session: DbSession) -> Response:
    service.get(session, incident_id)
    # One transaction per tenant, as the API does: a business is told once, whatever else fails.
    notify_tenants(runtime_of(request).database, viewer.operator, incident_id)
    return see_other(f"/operator/incidents/{incident_id}?done=notified")


# --- evidence ----------------------------------------------------------------------------------------


@router.get("/operator/evidence", response_class=HTMLResponse)
def evidence_page(request: Request, viewer: OperatorViewing, session: DbSession) -> Response:
    return render(request, "operator_evidence.html", {"error": ""})


@router.get("/operator/evidence/archive", response_class=Response)
def evidence_archive(
    request: Request, viewer: OperatorViewing, session: DbSession,
    first_day: Annotated[IsoDate, Query(alias="from")], last_day: Annotated[IsoDate, Query(alias="to")],
) -> Response:
    """Every tenant's evidence and the platform's, as ``engium evidence export`` writes it."""
    try:
        window = Window(first_day, last_day)
    except ValueError as exc:
        return error_page(request, 422, str(exc))
    runtime = runtime_of(request)
    settings = runtime.settings
    try:
        archive = export_operator(
            runtime.database, load_or_create_signing_key(signing_key_path(settings)), verifier_keys(settings),
            DirectoryAnchorStore(anchor_dir(settings)), window, tenant_ids(runtime.database),
            viewer.operator.name)
    except AppError as exc:
        status, message = describe(exc) or (422, exc.message)
        return error_page(request, status, message)
    name = f"engium-evidence-{window.first_day}-{window.last_day}.zip"
    return Response(archive, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

