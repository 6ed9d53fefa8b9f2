"""HTTP for invitations: members invite (``/invitations``), invitees redeem (public, by token)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from engium.access.authentication import Requires
from engium.access.permissions import Permission, Role
from engium.access.principal import Principal
from engium.context import current_request_context
from engium.errors import TooManyRequests
from engium.identity import invitations
from engium.identity.models import Invitation
from engium.identity.schemas import (
    InvitationAccept,
    InvitationAccepted,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
    InvitationPreviewOut,
    InvitationToken,
)
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession

router = APIRouter(tags=["members"])

MembersManage = Annotated[Principal, Requires(Permission.MEMBERS_MANAGE)]


def _out(invitation: Invitation) -> InvitationOut:
    return InvitationOut.model_validate(invitation)


@router.post("/invitations", response_model=InvitationCreated, status_code=status.HTTP_201_CREATED)
def create_invitation(
    body: InvitationCreate, request: Request, principal: MembersManage, session: DbSession
) -> InvitationCreated:
    """Invite someone as a member. Hand them ``accept_url``: they set their own password, or sign in
    with their existing account, to accept. The token is shown once."""
    issued = invitations.invite(
        session, invitations.Inviter(principal), tenant_id=principal.tenant_id, email=str(body.email), role=body.role
    )
    link = invitations.accept_url(runtime_of(request).settings.resolved_public_url, issued.token)
    return InvitationCreated(**_out(issued.invitation).model_dump(), token=issued.token, accept_url=link)


@router.get("/invitations", response_model=list[InvitationOut])
def list_invitations(principal: MembersManage, session: DbSession) -> list[InvitationOut]:
    return [_out(i) for i in invitations.list_open(session)]


@router.delete("/invitations/{invitation_id:uuid}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_invitation(invitation_id: UUID, principal: MembersManage, session: DbSession) -> Response:
    invitations.revoke(session, principal, invitation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _throttle(request: Request) -> None:
    # Tokens are 256-bit random, but a guessing loop still costs a query each: share sign-in's budget.
    ctx = current_request_context()
    if not runtime_of(request).login_limiter.allow((ctx.client_ip if ctx else None) or "unknown"):
        raise TooManyRequests("Too many attempts from this address; slow down")


@router.post("/invitations/preview", response_model=InvitationPreviewOut)
def preview_invitation(body: InvitationToken, request: Request, session: DbSession) -> InvitationPreviewOut:
    """What an invitation link offers (public: the token is the credential)."""
    _throttle(request)
    found = invitations.preview(session, body.token)
    return InvitationPreviewOut(
        business_name=found.tenant_name, email=found.email, role=found.role, expires_at=found.expires_at,
        account_exists=found.account_exists,
    )


@router.post("/invitations/accept", response_model=InvitationAccepted)
def accept_invitation(body: InvitationAccept, request: Request, session: DbSession) -> InvitationAccepted:
    """Redeem an invitation (public: the token is the credential). A new address sets its password here;
    an existing account gives its own password (and TOTP code), which is checked as at sign-in."""
    _throttle(request)
    runtime = runtime_of(request)
    accepted = invitations.accept(
        session, runtime.database, runtime.sign_in_checks, runtime.passwords,
        token=body.token, password=body.password, totp_code=body.totp_code, display_name=body.display_name,
    )
    return InvitationAccepted(
        tenant_id=accepted.tenant_id, user_id=accepted.user_id, role=Role(accepted.role),
        account_created=accepted.account_created,
    )
