"""HTTP for sign-in, the current principal, MFA enrolment, members and API keys."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response, status

from engium.access.authentication import CSRF_COOKIE, SESSION_COOKIE, Authenticated, Requires
from engium.access.permissions import ROLE_PERMISSIONS, Permission, Role
from engium.access.principal import Principal
from engium.context import current_request_context
from engium.errors import TooManyRequests
from engium.identity import api_keys, repository, service
from engium.identity.models import ApiKey, Membership, User
from engium.identity.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyCreator,
    ApiKeyOut,
    LoginRequest,
    LoginResponse,
    MemberOut,
    MemberUpdate,
    MeResponse,
    TotpConfirmRequest,
    TotpSetupResponse,
)
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.tenancy.binding import bind_user

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
    runtime = runtime_of(request)
    ctx = current_request_context()
    source = (ctx.client_ip if ctx else None) or "unknown"
    if not runtime.login_limiter.allow(source):
        raise TooManyRequests("Too many sign-in attempts from this address; slow down")
    outcome = service.login(
        session,
        runtime.database,
        runtime.settings,
        runtime.sign_in_checks,
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
def begin_totp(request: Request, principal: Authenticated, session: DbSession) -> TotpSetupResponse:
    runtime = runtime_of(request)
    secret, uri = service.begin_totp_setup(session, runtime.database, runtime.vault, principal)
    return TotpSetupResponse(secret=secret, otpauth_uri=uri)


@router.post("/me/mfa/totp/confirm", status_code=status.HTTP_204_NO_CONTENT, tags=["auth"])
def confirm_totp(
    body: TotpConfirmRequest, request: Request, principal: Authenticated, session: DbSession
) -> Response:
    runtime = runtime_of(request)
    service.confirm_totp(session, runtime.database, runtime.vault, principal, body.code)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


MembersRead = Annotated[Principal, Requires(Permission.MEMBERS_READ)]
MembersManage = Annotated[Principal, Requires(Permission.MEMBERS_MANAGE)]
KeysManage = Annotated[Principal, Requires(Permission.API_KEYS_MANAGE)]


@router.get("/members", response_model=list[MemberOut], tags=["members"])
def list_members(principal: MembersRead, session: DbSession) -> list[MemberOut]:
    return [_member_out(m, u) for m, u in service.list_members(session)]


@router.patch("/members/{user_id:uuid}", response_model=MemberOut, tags=["members"])
def update_member(user_id: UUID, body: MemberUpdate, principal: MembersManage, session: DbSession) -> MemberOut:
    membership = service.change_member_role(session, principal, user_id, body.role)
    members = {m.user_id: (m, u) for m, u in service.list_members(session)}
    return _member_out(*members[membership.user_id])


@router.delete("/members/{user_id:uuid}", status_code=status.HTTP_204_NO_CONTENT, tags=["members"])
def remove_member(user_id: UUID, principal: MembersManage, session: DbSession) -> Response:
    service.remove_member(session, principal, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _key_out(key: ApiKey, creator_email: str | None) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id, name=key.name, key_prefix=key.key_prefix, role=Role(key.role), created_at=key.created_at,
        last_used_at=key.last_used_at, revoked_at=key.revoked_at,
        created_by=ApiKeyCreator.model_validate({
            "kind": key.creator_kind, "user_id": key.created_by_user_id, "email": creator_email,
            "api_key_id": key.created_by_api_key_id,
        }),
    )


@router.get("/api-keys", response_model=list[ApiKeyOut], tags=["api-keys"])
def list_api_keys(principal: KeysManage, session: DbSession) -> list[ApiKeyOut]:
    return [_key_out(k.key, k.creator_email) for k in api_keys.list_api_keys(session)]


@router.post("/api-keys", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED, tags=["api-keys"])
def create_api_key(body: ApiKeyCreate, principal: KeysManage, session: DbSession) -> ApiKeyCreated:
    key, plaintext = api_keys.create_api_key(
        session, principal, tenant_id=principal.tenant_id, name=body.name, role=body.role
    )
    described = api_keys.with_creator(session, key)
    return ApiKeyCreated(**_key_out(described.key, described.creator_email).model_dump(), key=plaintext)


@router.delete("/api-keys/{api_key_id:uuid}", response_model=ApiKeyOut, tags=["api-keys"])
def revoke_api_key(api_key_id: UUID, principal: KeysManage, session: DbSession) -> ApiKeyOut:
    described = api_keys.with_creator(session, api_keys.revoke_api_key(session, principal, api_key_id))
    return _key_out(described.key, described.creator_email)
