"""HTTP for sign-in, the current principal, MFA enrolment, members and API keys."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from engium.context import current_request_context
from engium.errors import TooManyRequests
from engium.identity import repository, service
from engium.identity.auth import CSRF_COOKIE, SESSION_COOKIE, Authenticated, Requires
from engium.identity.models import Membership, User
from engium.identity.permissions import ROLE_PERMISSIONS, Permission, Role
from engium.identity.principal import Principal
from engium.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    LoginRequest,
    LoginResponse,
    MemberCreate,
    MemberOut,
    MemberUpdate,
    MeResponse,
    TotpConfirmRequest,
    TotpSetupResponse,
)
from engium.kit.database import bind_user
from engium.kit.transaction import DbSession
from engium.runtime import Runtime

router = APIRouter()


def _member_out(membership: Membership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=Role(membership.role),
        mfa_enabled=user.totp_enabled,
        created_at=membership.created_at,
    )


@router.post("/auth/login", response_model=LoginResponse, tags=["auth"])
def login(body: LoginRequest, request: Request, response: Response, session: DbSession) -> LoginResponse:
    runtime = Runtime.of(request)
    ctx = current_request_context()
    source = (ctx.client_ip if ctx else None) or "unknown"
    if not runtime.login_limiter.allow(source):
        raise TooManyRequests("Too many sign-in attempts from this address; slow down")
    outcome = service.login(
        session,
        runtime.database,
        runtime.settings,
        runtime.passwords,
        email=str(body.email),
        password=body.password,
        tenant_id=body.tenant_id,
        totp_code=body.totp_code,
    )
    secure = runtime.settings.secure_cookies
    max_age = runtime.settings.session_ttl_minutes * 60
    response.set_cookie(
        SESSION_COOKIE, outcome.session_token, max_age=max_age, httponly=True, secure=secure, samesite="lax"
    )
    # Readable by the dashboard's script, which echoes it in the X-CSRF-Token header.
    response.set_cookie(
        CSRF_COOKIE, outcome.csrf_token, max_age=max_age, httponly=False, secure=secure, samesite="strict"
    )
    return LoginResponse(
        tenant_id=outcome.tenant_id,
        user_id=outcome.user_id,
        role=outcome.role,
        csrf_token=outcome.csrf_token,
        mfa_verified=outcome.mfa_verified,
        mfa_setup_required=outcome.mfa_setup_required,
    )


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"])
def logout(principal: Authenticated, session: DbSession, response: Response) -> Response:
    service.logout(session, principal)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    response.status_code = status.HTTP_204_NO_CONTENT
    return response


@router.get("/me", response_model=MeResponse, tags=["auth"])
def me(principal: Authenticated, session: DbSession) -> MeResponse:
    email = None
    mfa_enabled = None
    if principal.user_id is not None:
        bind_user(session, principal.user_id)
        user = repository.get_user(session, principal.user_id)
        if user is not None:
            email, mfa_enabled = user.email, user.totp_enabled
    return MeResponse(
        principal_kind=principal.kind.value,
        principal_id=principal.id,
        tenant_id=principal.tenant_id,
        role=principal.role,
        permissions=sorted(p.value for p in ROLE_PERMISSIONS[principal.role]),
        email=email,
        mfa_enabled=mfa_enabled,
    )


@router.post("/me/mfa/totp", response_model=TotpSetupResponse, tags=["auth"])
def begin_totp(principal: Authenticated, session: DbSession) -> TotpSetupResponse:
    secret, uri = service.begin_totp_setup(session, principal)
    return TotpSetupResponse(secret=secret, otpauth_uri=uri)


@router.post("/me/mfa/totp/confirm", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"])
def confirm_totp(body: TotpConfirmRequest, principal: Authenticated, session: DbSession) -> Response:
    service.confirm_totp(session, principal, body.code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


MembersRead = Annotated[Principal, Requires(Permission.MEMBERS_READ)]
MembersManage = Annotated[Principal, Requires(Permission.MEMBERS_MANAGE)]
KeysManage = Annotated[Principal, Requires(Permission.API_KEYS_MANAGE)]


@router.get("/members", response_model=list[MemberOut], tags=["members"])
def list_members(principal: MembersRead, session: DbSession) -> list[MemberOut]:
    return [_member_out(m, u) for m, u in service.list_members(session)]


@router.post("/members", response_model=MemberOut, status_code=status.HTTP_201_CREATED, tags=["members"])
def add_member(body: MemberCreate, request: Request, principal: MembersManage, session: DbSession) -> MemberOut:
    membership, user = service.add_member(
        session,
        principal,
        Runtime.of(request).passwords,
        email=str(body.email),
        role=body.role,
        display_name=body.display_name,
        password=body.password,
    )
    return _member_out(membership, user)


@router.patch("/members/{user_id}", response_model=MemberOut, tags=["members"])
def update_member(user_id: UUID, body: MemberUpdate, principal: MembersManage, session: DbSession) -> MemberOut:
    membership = service.change_member_role(session, principal, user_id, body.role)
    members = {m.user_id: (m, u) for m, u in service.list_members(session)}
    return _member_out(*members[membership.user_id])


@router.delete("/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["members"])
def remove_member(user_id: UUID, principal: MembersManage, session: DbSession) -> Response:
    service.remove_member(session, principal, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api-keys", response_model=list[ApiKeyOut], tags=["api-keys"])
def list_api_keys(principal: KeysManage, session: DbSession) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(k) for k in repository.list_api_keys(session)]


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED, tags=["api-keys"])
def create_api_key(body: ApiKeyCreate, principal: KeysManage, session: DbSession) -> ApiKeyCreated:
    key, plaintext = service.create_api_key(
        session, principal, tenant_id=principal.tenant_id, name=body.name, role=body.role
    )
    return ApiKeyCreated(**ApiKeyOut.model_validate(key).model_dump(), key=plaintext)


@router.delete("/api-keys/{api_key_id}", response_model=ApiKeyOut, tags=["api-keys"])
def revoke_api_key(api_key_id: UUID, principal: KeysManage, session: DbSession) -> ApiKeyOut:
    return ApiKeyOut.model_validate(service.revoke_api_key(session, principal, api_key_id))
