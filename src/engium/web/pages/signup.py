"""Self-service sign-up (ADR 0040), only when the operator turns it on (``ENGIUM_SIGNUP_ENABLED``).

1. ``/sign-up``: business name, owner's address, time zone. The answer is the same for every address, no
   sooner than ``MIN_ANSWER_SECONDS``, limited per address and per client address (identity/signup.py).
2. The e-mailed link opens a page naming the business with one button: a GET never creates anything (mail
   scanners open links), the POST claims the request once and provisions the tenant with its owner invited
   (provisioning.py, the same as ``engium tenant create``).
3. The owner lands on the invitation page to choose a password, or to join with the account that address
   already has.
"""

from __future__ import annotations

import time
from typing import Any
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.errors import AppError, BadRequest, TooManyRequests
from engium.identity import signup
from engium.identity.invitations import accept_url
from engium.kit.transaction import DbSession
from engium.provisioning import provision_tenant
from engium.runtime import Runtime
from engium.web.members import PostedForm
from engium.web.page_route import FormRejected, PageRoute, describe, see_other
from engium.web.pages.password_reset import client_of, throttle
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MIN_ANSWER_SECONDS = 0.6
SENT = ("Check your e-mail: we have sent a link to confirm your address. Your business opens when you follow "
        "it, within 24 hours.")
TIMEZONES = sorted(available_timezones())


def _field(form: Any, name: str, limit: int) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def _require_enabled(request: Request) -> Runtime:
    runtime = Runtime.of(request)
    if not runtime.settings.signup_enabled:
        raise signup.SignupDisabled()
    return runtime


def _form_page(request: Request, values: dict[str, str], *, error: str = "", notice: str = "",
               status: int = 200) -> HTMLResponse:
    return render(request, "signup.html", {"values": values, "timezones": TIMEZONES, "error": error,
                                           "notice": notice}, status=status)


@router.get("/sign-up", response_class=HTMLResponse)
def signup_form(request: Request) -> Response:
    _require_enabled(request)
    return _form_page(request, {"timezone": "UTC"})


@router.post("/sign-up", response_class=HTMLResponse)
def request_signup(request: Request, session: DbSession, form: PostedForm) -> Response:
    runtime = _require_enabled(request)
    started = time.monotonic()
    values = {"business_name": _field(form, "business_name", 300), "email": _field(form, "email", 320).strip(),
              "timezone": _field(form, "timezone", 64) or "UTC"}
    try:
        if "@" not in values["email"]:
            raise BadRequest("Enter the e-mail address you will sign in with")
        throttle(request, values["email"], "signup")
        with session.begin_nested():
            signup.request_signup(session, runtime.settings.mail, runtime.settings.resolved_public_url,
                                  business_name=values["business_name"], email=values["email"],
                                  timezone=values["timezone"])
    except AppError as exc:
        status, message = describe(exc) or (400, exc.message)
        raise FormRejected(_form_page(request, values, error=message, status=status)) from exc
    time.sleep(max(0.0, MIN_ANSWER_SECONDS - (time.monotonic() - started)))
    return _form_page(request, {"timezone": "UTC"}, notice=SENT)


@router.get("/sign-up/verify", response_class=HTMLResponse)
def verify_form(request: Request, session: DbSession) -> Response:
    _require_enabled(request)
    token = (request.query_params.get("token") or "")[:200]
    name = signup.open_business_name(session, token)
    if name is None:
        raise BadRequest(signup.INVALID_LINK)
    return render(request, "signup_verify.html", {"token": token, "business_name": name})


@router.post("/sign-up/verify", response_class=HTMLResponse)
def verify(request: Request, session: DbSession, form: PostedForm) -> Response:
    runtime = _require_enabled(request)
    if not runtime.login_limiter.allow(f"signup-verify:{client_of(request)}"):
        raise TooManyRequests("Too many attempts from this address; wait a minute and try again")
    claimed = signup.claim(session, _field(form, "token", 200))
    provisioned = provision_tenant(session, runtime.passwords, name=claimed.business_name,
                                   owner_email=claimed.email, owner_password=None, timezone=claimed.timezone)
    # On the new business's chain, with the tenant.created and invitation.created just recorded.
    audit.record(session, None, AuditAction.SIGNUP_VERIFIED, resource_type="signup_request",
                 resource_id=claimed.signup_id, details={"tenant_id": provisioned.tenant_id})
    issued = provisioned.owner_invitation
    assert issued is not None  # provisioned without a password: the owner is invited
    return see_other(accept_url("", issued.token))
