"""Getting in and out: the home redirect, sign-in (with TOTP), sign-out, and redeeming an invitation.

Sign-in calls the same ``identity.service.login`` as ``POST /api/v1/auth/login`` and sets the same two
cookies. The CSRF cookie is ``SameSite=Lax`` here (the API sets ``Strict``): its protection is that no
other site can read it, which SameSite does not change, and ``Lax`` lets a page reached from a link in
an e-mail still post its forms. The sign-in form itself carries a one-time token bound to a cookie, so
that no other site can sign a browser into an account of its choosing (login CSRF).
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.authentication import CSRF_COOKIE, SESSION_COOKIE
from engium.access.tokens import digest, digests_match
from engium.context import current_request_context
from engium.errors import AppError, BadRequest, NotFound, TooManyRequests
from engium.identity import invitations
from engium.identity import service as identity
from engium.kit.transaction import DbSession
from engium.runtime import Runtime
from engium.web.members import Acting, PostedForm, SignInRequired, resolve_member
from engium.web.page_route import FormRejected, PageRoute, describe, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

SIGN_IN_COOKIE = "engium_sign_in"
# Not a secret: remembers that this browser's member signs in with a code, so the field shows at once.
TOTP_HINT_COOKIE = "engium_totp_hint"
NOTICES = {
    "signed-out": "You have signed out.",
    "joined": "You have joined the business. Sign in to continue.",
    "password": "Your password was changed. Sign in with the new one.",
    "reset": "Your new password is set and you were signed out everywhere. Sign in with it.",
    "verified": "Your address is verified and your business is open. Choose your password to sign in.",
}


def safe_next(value: object) -> str:
    """Only a path on this site: never ``//host`` or a scheme, which would send the member elsewhere."""
    text = value if isinstance(value, str) else ""
    if not text.startswith("/") or text.startswith("//") or "\\" in text or len(text) > 500:
        return ""
    return text


def _throttle(request: Request) -> None:
    ctx = current_request_context()
    if not Runtime.of(request).login_limiter.allow((ctx.client_ip if ctx else None) or "unknown"):
        raise TooManyRequests("Too many attempts from this address; wait a minute and try again")


def _field(form: Any, name: str, limit: int = 500) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


@router.get("/")
def home(request: Request, session: DbSession) -> Response:
    try:
        member = resolve_member(request, session, posted_csrf=None)
    except SignInRequired:
        return see_other("/sign-in")
    return see_other(member.home if member.principal.mfa_satisfied else "/account/two-factor")


def _sign_in_page(request: Request, values: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    context = {
        "email": "", "next": "", "error": "", "notice": "", "tenants": [],
        "show_code": request.cookies.get(TOTP_HINT_COOKIE) == "1", **values, "sign_in_token": token,
    }
    response = render(request, "sign_in.html", context, status=status)
    secure = Runtime.of(request).settings.secure_cookies
    response.set_cookie(SIGN_IN_COOKIE, token, max_age=3600, httponly=True, secure=secure, samesite="lax",
                        path="/sign-in")
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, session: DbSession) -> Response:
    try:
        member = resolve_member(request, session, posted_csrf=None)
        return see_other(safe_next(request.query_params.get("next")) or member.home)
    except SignInRequired:
        pass
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return _sign_in_page(request, {
        "next": safe_next(request.query_params.get("next")), "notice": notice,
        "email": (request.query_params.get("email") or "")[:320],
        "show_code": request.query_params.get("code") == "1" or request.cookies.get(TOTP_HINT_COOKIE) == "1",
    })


def _sign_in(request: Request, session: Session, form: Any) -> identity.LoginOutcome:
    _throttle(request)
    presented, expected = _field(form, "sign_in_token"), request.cookies.get(SIGN_IN_COOKIE, "")
    if not presented or not expected or not digests_match(presented, digest(expected)):
        raise BadRequest("This sign-in form has expired; please try again")
    runtime = Runtime.of(request)
    raw_tenant = _field(form, "tenant_id", 64)
    try:
        tenant_id = uuid.UUID(raw_tenant) if raw_tenant else None
    except ValueError:
        tenant_id = None
    return identity.login(
        session, runtime.database, runtime.settings, runtime.sign_in_checks,
        email=_field(form, "email", 320), password=_field(form, "password", 1024), tenant_id=tenant_id,
        totp_code=_field(form, "totp_code", 12).replace(" ", "") or None,
    )


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, session: DbSession, form: PostedForm) -> Response:
    values: dict[str, Any] = {"email": _field(form, "email", 320), "next": safe_next(form.get("next")),
                              "show_code": bool(_field(form, "totp_code")) or form.get("show_code") == "1"}
    try:
        with session.begin_nested():
            outcome = _sign_in(request, session, form)
    except AppError as exc:
        status, message = describe(exc) or (400, exc.message)
        details = exc.details or {}
        if details.get("totp_required"):
            values["show_code"] = True
            message = "This account uses two-factor authentication: enter your password and the 6-digit code."
        if "tenants" in details:
            values["tenants"] = details["tenants"]
            message = "Your account belongs to several businesses: choose one and enter your password again."
        raise FormRejected(_sign_in_page(request, {**values, "error": message}, status=status)) from exc
    target = values["next"] or "/"
    if outcome.mfa_setup_required:
        target = "/account/two-factor"
    response = see_other(target)
    settings = Runtime.of(request).settings
    max_age = settings.session_ttl_minutes * 60
    secure = settings.secure_cookies
    response.set_cookie(SESSION_COOKIE, outcome.session_token, max_age=max_age, httponly=True, secure=secure,
                        samesite="lax")
    response.set_cookie(CSRF_COOKIE, outcome.csrf_token, max_age=max_age, httponly=False, secure=secure,
                        samesite="lax")
    response.delete_cookie(SIGN_IN_COOKIE, path="/sign-in")
    if values["show_code"] and _field(form, "totp_code"):
        response.set_cookie(TOTP_HINT_COOKIE, "1", max_age=400 * 86400, httponly=True, secure=secure, samesite="lax")
    return response


@router.post("/sign-out")
def sign_out(member: Acting, session: DbSession) -> Response:
    identity.logout(session, member.principal)
    response = see_other("/sign-in?done=signed-out")
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


# --- invitations -------------------------------------------------------------------------------------


def _invitation_page(
    request: Request, session: Session, token: str, *, error: str = "", display_name: str = "", status: int = 200
) -> HTMLResponse:
    preview = invitations.preview(session, token)
    return render(request, "accept_invitation.html", {
        "token": token, "invitation": preview, "error": error, "display_name": display_name,
    }, status=status)


@router.get("/invitations/accept", response_class=HTMLResponse)
def invitation_form(request: Request, session: DbSession) -> Response:
    _throttle(request)
    token = (request.query_params.get("token") or "")[:200]
    if not token:
        raise NotFound(invitations.INVALID_INVITATION)
    return _invitation_page(request, session, token)


@router.post("/invitations/accept", response_class=HTMLResponse)
def accept_invitation(request: Request, session: DbSession, form: PostedForm) -> Response:
    _throttle(request)
    runtime = Runtime.of(request)
    token = _field(form, "token", 200)
    password = _field(form, "password", 1024)
    display_name = _field(form, "display_name", 200)
    try:
        with session.begin_nested():
            confirmation = form.get("password_confirmation")
            if confirmation is not None and _field(form, "password_confirmation", 1024) != password:
                raise BadRequest("The two passwords do not match")
            invitations.accept(
                session, runtime.database, runtime.sign_in_checks, runtime.passwords, token=token,
                password=password, totp_code=_field(form, "totp_code", 12).replace(" ", "") or None,
                display_name=display_name,
            )
    except AppError as exc:
        if exc.status_code == 404:
            raise
        status, message = describe(exc) or (400, exc.message)
        raise FormRejected(_invitation_page(
            request, session, token, error=message, display_name=display_name, status=status
        )) from exc
    return see_other("/sign-in?done=joined")
