"""FastAPI dependencies that authenticate a request and bind its transaction to the principal's tenant."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from engium.access import credential_lookup as repo
from engium.access.credential_lookup import ApiKeyGrant, SessionGrant
from engium.access.permissions import Permission, Role
from engium.access.principal import Principal, PrincipalKind, remember_for_refusals
from engium.access.tokens import digest, digests_match
from engium.errors import Forbidden, TenantSuspended, Unauthorized
from engium.kit.transaction import DbSession

SESSION_COOKIE = "engium_session"
CSRF_COOKIE = "engium_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# last_used_at / last_seen_at are refreshed at most this often, so reads stay read-only.
TOUCH_INTERVAL = timedelta(seconds=60)


def stale(moment: datetime | None) -> bool:
    return moment is None or datetime.now(UTC) - moment > TOUCH_INTERVAL


# The two ways to authenticate, declared for the API document (FastAPI lists them as the security of every
# operation that depends on authenticate). authenticate reads the header and the cookie itself, to answer
# each malformed form with its own message; these never refuse anything.
API_KEY_SCHEME = HTTPBearer(
    scheme_name="ApiKey",
    description="An API key (egk_...) from `engium apikey create` or POST /api/v1/api-keys",
    auto_error=False,
)
SESSION_SCHEME = APIKeyCookie(
    name=SESSION_COOKIE,
    scheme_name="Session",
    description="The staff web app's session; a request other than GET also needs the X-CSRF-Token header",
    auto_error=False,
)


def bearer_token(authorization: str) -> str:
    """The API key an ``Authorization`` header carries, or 401 for any other form of it."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        raise Unauthorized("Malformed Authorization header; expected 'Bearer <api key>'")
    return token


def session_cookie(request: Request) -> str:
    """The session cookie, or 401 when there is none (or one no session could have)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie or len(cookie) > 200:
        raise Unauthorized("Authentication required")
    return cookie


def api_key_principal(grant: ApiKeyGrant | None) -> Principal:
    if grant is None:
        raise Unauthorized("Invalid or revoked API key")
    if grant.suspended:
        raise TenantSuspended()
    return remember_for_refusals(Principal(
        kind=PrincipalKind.API_KEY,
        id=grant.api_key_id,
        tenant_id=grant.tenant_id,
        role=Role(grant.role),
    ))


def session_principal(request: Request, found: SessionGrant | None) -> Principal:
    if found is None:
        raise Unauthorized("Session expired or invalid")
    if found.suspended:
        raise TenantSuspended()
    if request.method not in SAFE_METHODS:
        # Cookies ride along on cross-site requests; a mutation must also prove it read our page.
        # Raising rolls back the transaction, and the tenant binding with it.
        presented = request.headers.get(CSRF_HEADER, "")
        if not presented or not digests_match(presented, found.csrf_hash):
            raise Forbidden("CSRF token missing or invalid")
    return remember_for_refusals(Principal(
        kind=PrincipalKind.USER,
        id=found.user_id,
        tenant_id=found.tenant_id,
        role=Role(found.role),
        user_id=found.user_id,
        session_id=found.session_id,
        mfa_satisfied=found.mfa_verified,
    ))


def authenticate(
    request: Request,
    session: DbSession,
    _api_key: Annotated[HTTPAuthorizationCredentials | None, Security(API_KEY_SCHEME)] = None,
    _session_cookie: Annotated[str | None, Security(SESSION_SCHEME)] = None,
) -> Principal:
    # The asyncio twin of this dependency is engium.access.read_transaction (ReadTransaction.check): a change
    # to one is a change to both.
    authorization = request.headers.get("authorization")
    if authorization is not None:
        grant = repo.resolve_api_key_and_bind(session, digest(bearer_token(authorization)))
        principal = api_key_principal(grant)
        if grant is not None and stale(grant.last_used_at):
            repo.touch_api_key(session, grant.api_key_id)
        return principal

    found = repo.resolve_session_and_bind(session, digest(session_cookie(request)))
    principal = session_principal(request, found)
    if found is not None and stale(found.last_seen_at):
        repo.touch_session(session, found.session_id)
    return principal


Authenticated = Annotated[Principal, Depends(authenticate, scope="function")]


def check_permission(principal: Principal, permission: Permission) -> Principal:
    if not principal.mfa_satisfied:
        raise Forbidden("This business requires two-factor authentication; enrol TOTP first")
    if not principal.can(permission):
        raise Forbidden(f"The {principal.role} role lacks the {permission} permission")
    return principal


def require(permission: Permission) -> Callable[[Principal], Coroutine[Any, Any, Principal]]:
    # async: a pure check needs no trip through the thread pool.
    async def dependency(principal: Authenticated) -> Principal:
        return check_permission(principal, permission)

    return dependency


def Requires(permission: Permission) -> object:  # noqa: N802 - reads like a type in signatures
    return Depends(require(permission), scope="function")
