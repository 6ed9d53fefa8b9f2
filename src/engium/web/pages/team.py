"""Team: members and their roles, invitations (the link is shown once), and API keys (shown once; the
list names each key's creator), through ``identity.service``, ``identity.invitations`` and
``identity.api_keys`` as ``/api/v1/members``, ``/invitations`` and ``/api-keys``."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission, Role, can_grant
from engium.errors import Unprocessable
from engium.identity import api_keys, invitations
from engium.identity import service as identity
from engium.kit.transaction import DbSession
from engium.runtime import Runtime
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.MEMBERS_MANAGE)]
Writer = Annotated[Member, actor(Permission.MEMBERS_MANAGE)]
KeysWriter = Annotated[Member, actor(Permission.API_KEYS_MANAGE)]
ROLE_HELP = {
    Role.OWNER: "Everything, including the audit log",
    Role.ADMIN: "Everything but the audit log",
    Role.AGENT: "Inbox, bookings and contacts",
    Role.AUDITOR: "Reads everything and the audit log; changes nothing",
}
NOTICES = {"role": "Role changed.", "removed": "Member removed.", "revoked": "Revoked."}


def _text(form: Any, name: str, limit: int = 320) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise Unprocessable("Choose a role") from None


def _team_page(request: Request, session: Session, member: Member, **extra: Any) -> HTMLResponse:
    keys = api_keys.list_api_keys(session) if member.can(Permission.API_KEYS_MANAGE) else []
    grantable = [role for role in Role if can_grant(member.role, role)]
    return render(request, "team.html", {
        "members": identity.list_members(session), "invitations": invitations.list_open(session), "keys": keys,
        "grantable": grantable, "role_help": ROLE_HELP, "error": "", "invited": None, "new_key": None,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""), "invite_form": {}, **extra,
    })


@router.get("/team", response_class=HTMLResponse)
def team(request: Request, member: Reader, session: DbSession) -> Response:
    return _team_page(request, session, member)


@router.post("/team/members/{user_id}/role", response_class=HTMLResponse)
def change_role(request: Request, user_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    attempt(session, lambda: identity.change_member_role(session, member.principal, user_id,
                                                         _role(_text(form, "role", 20))),
            lambda message: _team_page(request, session, member, error=message))
    return see_other("/team?done=role")


@router.post("/team/members/{user_id}/remove", response_class=HTMLResponse)
def remove_member(request: Request, user_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: identity.remove_member(session, member.principal, user_id),
            lambda message: _team_page(request, session, member, error=message))
    return see_other("/team?done=removed")


@router.post("/team/invitations", response_class=HTMLResponse)
def invite(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    kept = {"email": _text(form, "email"), "role": _text(form, "role", 20)}

    def create() -> invitations.IssuedInvitation:
        if "@" not in kept["email"]:
            raise Unprocessable("E-mail: enter the address to invite")
        return invitations.invite(session, invitations.Inviter(member.principal), tenant_id=member.principal.tenant_id,
                                  email=kept["email"], role=_role(kept["role"]))

    issued = attempt(session, create, lambda message: _team_page(request, session, member, error=message,
                                                                 invite_form=kept))
    link = invitations.accept_url(Runtime.of(request).settings.resolved_public_url, issued.token)
    # The link carries the only copy of the token: this response shows it once, and nothing stores it.
    return _team_page(request, session, member, invited={"email": issued.invitation.email, "link": link,
                                                         "role": issued.invitation.role})


@router.post("/team/invitations/{invitation_id}/revoke", response_class=HTMLResponse)
def revoke_invitation(request: Request, invitation_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: invitations.revoke(session, member.principal, invitation_id),
            lambda message: _team_page(request, session, member, error=message))
    return see_other("/team?done=revoked")


@router.post("/team/api-keys", response_class=HTMLResponse)
def create_key(request: Request, member: KeysWriter, session: DbSession, form: PostedForm) -> Response:
    def create() -> tuple[Any, str]:
        name = _text(form, "name", 100)
        if not name:
            raise Unprocessable("Name: give the key a name, such as the system that will use it")
        return api_keys.create_api_key(session, member.principal, tenant_id=member.principal.tenant_id, name=name,
                                       role=_role(_text(form, "role", 20)))

    key, plaintext = attempt(session, create, lambda message: _team_page(request, session, member, error=message))
    return _team_page(request, session, member, new_key={"name": key.name, "key": plaintext, "role": key.role})


@router.post("/team/api-keys/{api_key_id}/revoke", response_class=HTMLResponse)
def revoke_key(request: Request, api_key_id: UUID, member: KeysWriter, session: DbSession) -> Response:
    attempt(session, lambda: api_keys.revoke_api_key(session, member.principal, api_key_id),
            lambda message: _team_page(request, session, member, error=message))
    return see_other("/team?done=revoked#api-keys")
