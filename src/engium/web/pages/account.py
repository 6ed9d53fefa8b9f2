"""The member's own account: password and two-factor authentication (TOTP).

The enrolment pages are open to a member whose business requires TOTP before they have it (every
other page sends them here), through the same ``identity.service`` functions as ``/api/v1/me/mfa/totp``.
"""

from __future__ import annotations

from typing import Annotated, Any

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from engium.errors import BadRequest
from engium.identity import service as identity
from engium.kit.transaction import DbSession
from engium.runtime import Runtime
from engium.web.members import Acting, Member, PostedForm, SignedIn, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Viewer = Annotated[Member, viewer()]
Actor = Annotated[Member, actor()]
NOTICES = {"password": "Your password was changed; your other sessions were signed out.",
           "two-factor": "Two-factor authentication is on."}


def _field(form: Any, name: str, limit: int = 1024) -> str:
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, member: Viewer) -> Response:
    notice = NOTICES.get(request.query_params.get("done", ""), "")
    return render(request, "account.html", {"notice": notice, "error": ""})


@router.post("/account/password", response_class=HTMLResponse)
def change_password(request: Request, member: Actor, session: DbSession, form: PostedForm) -> Response:
    runtime = Runtime.of(request)
    new = _field(form, "new_password")

    def change() -> None:
        if new != _field(form, "new_password_confirmation"):
            raise BadRequest("The two new passwords do not match")
        identity.change_password(
            session, runtime.database, runtime.sign_in_checks, member.principal,
            current_password=_field(form, "current_password"), new_password=new,
        )

    attempt(session, change, lambda message: render(request, "account.html", {"notice": "", "error": message}))
    return see_other("/account?done=password")


def _qr_svg(uri: str) -> Markup:
    # segno writes presentation attributes (stroke=...), never a style attribute: fine under our CSP.
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#0f172a", light="#ffffff", omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code for your authenticator app" ', 1))  # noqa: S704 - segno's own SVG


def _enrolment_page(request: Request, session: Session, member: Member, *, error: str = "") -> HTMLResponse:
    runtime = Runtime.of(request)
    pending = None
    if not member.totp_enabled:
        pending = identity.pending_totp_setup(session, runtime.database, runtime.vault, member.principal)
    context: dict[str, Any] = {"error": error, "secret": "", "qr": "", "required": not member.principal.mfa_satisfied}
    if pending is not None:
        secret, uri = pending
        context.update(secret=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)), qr=_qr_svg(uri))
    return render(request, "two_factor.html", context)


@router.get("/account/two-factor", response_class=HTMLResponse)
def two_factor(request: Request, member: SignedIn, session: DbSession) -> Response:
    return _enrolment_page(request, session, member)


@router.post("/account/two-factor/start", response_class=HTMLResponse)
def start_two_factor(request: Request, member: Acting, session: DbSession) -> Response:
    runtime = Runtime.of(request)
    attempt(
        session, lambda: identity.begin_totp_setup(session, runtime.database, runtime.vault, member.principal),
        lambda message: _enrolment_page(request, session, member, error=message),
    )
    return see_other("/account/two-factor")


@router.post("/account/two-factor/confirm", response_class=HTMLResponse)
def confirm_two_factor(request: Request, member: Acting, session: DbSession, form: PostedForm) -> Response:
    runtime = Runtime.of(request)
    code = _field(form, "code", 12).replace(" ", "")
    attempt(
        session, lambda: identity.confirm_totp(session, runtime.database, runtime.vault, member.principal, code),
        lambda message: _enrolment_page(request, session, member, error=message),
    )
    return see_other("/account?done=two-factor")
