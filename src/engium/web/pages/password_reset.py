"""Forgot password: ask for a link by e-mail, then choose a new password (identity/password_reset.py, ADR 0040).

Asking answers the same page whether or not the address has an account, and never sooner than
``MIN_ANSWER_SECONDS`` (queuing an e-mail takes longer than finding nothing), so neither the words nor the
time tell an attacker which addresses exist. Requests are limited per address and per client address.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from engium.context import current_request_context
from engium.errors import AppError, BadRequest, TooManyRequests
from engium.identity import password_reset
from engium.identity.invitations import normalize_email
from engium.kit.transaction import DbSession
from engium.runtime import Runtime
from engium.web.members import PostedForm
from engium.web.page_route import FormRejected, PageRoute, describe, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MIN_ANSWER_SECONDS = 0.6
SENT = ("If an Engium account uses that address, we have sent it a link to choose a new password. "
        "The link works once, for 30 minutes.")


def _field(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def client_of(request: Request) -> str:
    ctx = current_request_context()
    return (ctx.client_ip if ctx else None) or "unknown"


def throttle(request: Request, email: str, purpose: str) -> None:
    """Per client address first (it costs nothing to count), then per normalised e-mail address."""
    runtime = Runtime.of(request)
    if not runtime.onboarding_by_client.allow(f"{purpose}:{client_of(request)}"):
        raise TooManyRequests("Too many requests from this address; wait a few minutes and try again")
    if not runtime.onboarding_by_address.allow(f"{purpose}:{normalize_email(email)}"):
        raise TooManyRequests("Too many requests for this e-mail address; wait a few minutes and try again")


@router.get("/password-reset", response_class=HTMLResponse)
def request_form(request: Request) -> Response:
    return render(request, "password_reset.html", {"email": "", "error": "", "notice": ""})


@router.post("/password-reset", response_class=HTMLResponse)
def request_link(request: Request, form: PostedForm) -> Response:
    started = time.monotonic()
    email = _field(form, "email", 320).strip()
    runtime = Runtime.of(request)
    try:
        if "@" not in email:
            raise BadRequest("Enter the e-mail address you sign in with")
        throttle(request, email, "reset")
        # A transaction of its own, committed before the pause below: the commit (the e-mail's job, the
        # audit event) is part of the time an unknown address must not save.
        with runtime.database.transaction() as own:
            password_reset.request_reset(own, runtime.settings.mail, runtime.settings.resolved_public_url,
                                         email=email)
    except AppError as exc:
        status, message = describe(exc) or (400, exc.message)
        raise FormRejected(render(request, "password_reset.html", {"email": email, "error": message, "notice": ""},
                                  status=status)) from exc
    # The same answer, no sooner for an unknown address than for a known one.
    time.sleep(max(0.0, MIN_ANSWER_SECONDS - (time.monotonic() - started)))
    return render(request, "password_reset.html", {"email": "", "error": "", "notice": SENT})


def _confirm_page(request: Request, token: str, *, error: str = "", status: int = 200) -> HTMLResponse:
    return render(request, "password_reset_confirm.html", {"token": token, "error": error}, status=status)


@router.get("/password-reset/confirm", response_class=HTMLResponse)
def confirm_form(request: Request, session: DbSession) -> Response:
    token = (request.query_params.get("token") or "")[:200]
    if not password_reset.link_is_open(session, token):
        raise BadRequest(password_reset.INVALID_LINK)
    return _confirm_page(request, token)


@router.post("/password-reset/confirm", response_class=HTMLResponse)
def confirm(request: Request, session: DbSession, form: PostedForm) -> Response:
    runtime = Runtime.of(request)
    if not runtime.login_limiter.allow(f"reset-confirm:{client_of(request)}"):
        raise TooManyRequests("Too many attempts from this address; wait a minute and try again")
    token = _field(form, "token", 200)
    password = _field(form, "password", 2048)
    try:
        with session.begin_nested():
            if _field(form, "password_confirmation", 2048) != password:
                raise BadRequest("The two passwords do not match")
            password_reset.complete_reset(session, runtime.database, runtime.passwords, token=token,
                                          password=password)
    except AppError as exc:
        if exc.message == password_reset.INVALID_LINK:
            raise
        status, message = describe(exc) or (400, exc.message)
        raise FormRejected(_confirm_page(request, token, error=message, status=status)) from exc
    return see_other("/sign-in?done=reset")
