"""HTTP for a business's own SMTP sender: read (password never shown), set or replace, remove."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request, Response

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.errors import NotFound
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.mail import tenant_sender
from engium.mail.tenant_sender import SenderIn, SenderOut

router = APIRouter(prefix="/mail-sender", tags=["mail"])

Manage = Annotated[Principal, Requires(Permission.INTEGRATIONS_MANAGE)]


@router.get("", response_model=SenderOut)
def get_sender(principal: Manage, session: DbSession) -> SenderOut:
    """The business's SMTP sender; 404 when its e-mails go through the operator's server."""
    row = tenant_sender.sender_row(session)
    if row is None:
        raise NotFound("No e-mail sender is configured: e-mails go through this server's own sender")
    return tenant_sender.shown(row)


@router.put("", response_model=SenderOut)
def put_sender(body: SenderIn, principal: Manage, session: DbSession, request: Request) -> SenderOut:
    """Sets or replaces the sender; the password is stored encrypted and is never returned."""
    runtime = runtime_of(request)
    row = tenant_sender.configure(session, runtime.vault, principal, body, runtime.smtp_address_refusal)
    return tenant_sender.shown(row)


@router.delete("", status_code=204)
def delete_sender(principal: Manage, session: DbSession) -> Response:
    tenant_sender.remove(session, principal)
    return Response(status_code=204)
