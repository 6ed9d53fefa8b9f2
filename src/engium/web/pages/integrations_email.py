"""Integrations, E-mail tab: the business's own SMTP sender and its inbound e-mail channels (ADR 0046), through
``mail.tenant_sender`` and ``channels.email_channels`` as ``/api/v1/mail-sender`` and
``/api/v1/email-channels``. The SMTP password and the signing keys are write-only: stored in the vault and
never rendered back, so a saved form shows that one is set, not what it is."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.channels import email_channels
from engium.kit.transaction import DbSession
from engium.mail import tenant_sender
from engium.runtime import Runtime
from engium.tenancy.service import get_settings
from engium.web.members import Member, PostedForm, actor, form_text, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.INTEGRATIONS_MANAGE)]
Writer = Annotated[Member, actor(Permission.INTEGRATIONS_MANAGE)]
NOTICES = {"sender": "E-mail sender saved.", "sender-removed": "E-mails go through this server's sender again.",
           "channel": "E-mail channel connected.", "channel-removed": "E-mail channel removed."}
SENDER_FIELDS = ("host", "port", "security", "username", "from_address")


def _page(request: Request, session: Session, *, error: str = "", form: dict[str, str] | None = None) -> HTMLResponse:
    runtime = Runtime.of(request)
    return render(request, "integrations_email.html", {
        "tab": "email", "sender": tenant_sender.sender_row(session), "channels": email_channels.channels(session),
        "operator_sends": runtime.settings.mail.enabled, "outbox": runtime.settings.mail.writes_to_outbox,
        "base_url": (get_settings(session).public_base_url or "").rstrip("/"),
        "error": error, "form": form or {}, "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get("/integrations/email", response_class=HTMLResponse)
def email_settings(request: Request, member: Reader, session: DbSession) -> Response:
    return _page(request, session)


@router.post("/integrations/email/sender", response_class=HTMLResponse)
def save_sender(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    kept = {name: form_text(form, name, 320) for name in SENDER_FIELDS}

    def save() -> None:
        body = tenant_sender.SenderIn.model_validate(
            {**kept, "port": kept["port"] or None, "security": kept["security"] or "starttls",
             "password": form_text(form, "password", 1024)})
        runtime = Runtime.of(request)
        tenant_sender.configure(session, runtime.vault, member.principal, body, runtime.smtp_address_refusal)

    attempt(session, save, lambda message: _page(request, session, error=message, form=kept))
    return see_other("/integrations/email?done=sender")


@router.post("/integrations/email/sender/delete", response_class=HTMLResponse)
def remove_sender(request: Request, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: tenant_sender.remove(session, member.principal),
            lambda message: _page(request, session, error=message))
    return see_other("/integrations/email?done=sender-removed")


@router.post("/integrations/email/channels", response_class=HTMLResponse)
def add_channel(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    kept = {"address": form_text(form, "address", 320)}

    def create() -> None:
        signing_key = form_text(form, "signing_key", 4096)
        body = email_channels.EmailChannelIn.model_validate({**kept, "signing_key": signing_key})
        email_channels.create_channel(session, request, member.principal, body)

    attempt(session, create, lambda message: _page(request, session, error=message, form=kept))
    return see_other("/integrations/email?done=channel")


@router.post("/integrations/email/channels/{channel_id}/delete", response_class=HTMLResponse)
def remove_channel(request: Request, channel_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: email_channels.remove_channel(session, member.principal, channel_id),
            lambda message: _page(request, session, error=message))
    return see_other("/integrations/email?done=channel-removed")
