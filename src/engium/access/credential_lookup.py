"""Resolving a request's credential: the one place that turns a bearer key or a session cookie into a
tenant, through the SECURITY DEFINER ``auth_*`` functions (owned by ``engium_auth``, migration 0001/0012).

Below every domain: the HTTP dependency in :mod:`engium.access.authentication` uses it for every route.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, LiteralString
from uuid import UUID

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.tenancy.binding import set_config_sql

AsyncConnection = psycopg.AsyncConnection[tuple[Any, ...]]


@dataclass(frozen=True)
class ApiKeyGrant:
    tenant_id: UUID
    api_key_id: UUID
    role: str
    last_used_at: datetime | None
    # The operator suspended the tenant (migration 0033): the credential is known but refused with 403.
    suspended: bool = False


@dataclass(frozen=True)
class SessionGrant:
    tenant_id: UUID
    session_id: UUID
    user_id: UUID
    role: str
    mfa_verified: bool
    csrf_hash: bytes
    last_seen_at: datetime
    suspended: bool = False


# Resolving the credential and binding its tenant share one round trip: set_config runs only for the
# row the verified hash found, so an unknown credential binds nothing. Each statement is written once and
# spelled for SQLAlchemy (:h) and for psycopg on the event loop (%(h)s, engium.access.read_transaction).
_RESOLVE_AND_BIND_API_KEY_SQL = (
    "select k.tenant_id, k.api_key_id, k.role, k.last_used_at, auth_tenant_suspended(k.tenant_id),"
    f" {set_config_sql('k.tenant_id::text')}"
    " from auth_api_key({h}) k"
)
_RESOLVE_AND_BIND_SESSION_SQL = (
    "select s.tenant_id, s.session_id, s.user_id, s.role, s.mfa_verified, s.csrf_hash, s.last_seen_at,"
    " auth_tenant_suspended(s.tenant_id),"
    f" {set_config_sql('s.tenant_id::text', 's.user_id::text')}"
    " from auth_session({h}) s"
)
_RESOLVE_AND_BIND_API_KEY = text(_RESOLVE_AND_BIND_API_KEY_SQL.format(h=":h"))
_RESOLVE_AND_BIND_SESSION = text(_RESOLVE_AND_BIND_SESSION_SQL.format(h=":h"))


def resolve_api_key_and_bind(session: Session, key_hash: bytes) -> ApiKeyGrant | None:
    row = session.execute(_RESOLVE_AND_BIND_API_KEY, {"h": key_hash}).first()
    return ApiKeyGrant(*row[:5]) if row else None


def resolve_session_and_bind(session: Session, token_hash: bytes) -> SessionGrant | None:
    row = session.execute(_RESOLVE_AND_BIND_SESSION, {"h": token_hash}).first()
    return SessionGrant(*row[:8]) if row else None


# SKIP LOCKED: when a burst of requests with one key arrives, one of them refreshes the timestamp and
# the others go on instead of queueing on that row's lock until the first commits.
_TOUCH_API_KEY_SQL = (
    "update api_keys set last_used_at = now() where (tenant_id, id) in ("
    " select tenant_id, id from api_keys where id = {id} for update skip locked)"
)
_TOUCH_SESSION_SQL = (
    "update sessions set last_seen_at = now() where (tenant_id, id) in ("
    " select tenant_id, id from sessions where id = {id} for update skip locked)"
)
_TOUCH_API_KEY = text(_TOUCH_API_KEY_SQL.format(id=":id"))
_TOUCH_SESSION = text(_TOUCH_SESSION_SQL.format(id=":id"))


def touch_api_key(session: Session, api_key_id: UUID) -> None:
    session.execute(_TOUCH_API_KEY, {"id": api_key_id})


def touch_session(session: Session, session_id: UUID) -> None:
    session.execute(_TOUCH_SESSION, {"id": session_id})


# The same lookups on an asyncio connection, as statements to queue in a pipeline after the caller's
# ``begin`` (engium.access.read_transaction): they ride in the caller's one round trip.
ASYNC_RESOLVE_API_KEY: LiteralString = _RESOLVE_AND_BIND_API_KEY_SQL.format(h="%(h)s")
ASYNC_RESOLVE_SESSION: LiteralString = _RESOLVE_AND_BIND_SESSION_SQL.format(h="%(h)s")
_ASYNC_BIND = f"select {set_config_sql('%(tenant)s', '%(user)s')}"
_ASYNC_TOUCH_API_KEY = _TOUCH_API_KEY_SQL.format(id="%(id)s")
_ASYNC_TOUCH_SESSION = _TOUCH_SESSION_SQL.format(id="%(id)s")


def api_key_grant(row: tuple[Any, ...] | None) -> ApiKeyGrant | None:
    return ApiKeyGrant(*row[:5]) if row else None


def session_grant(row: tuple[Any, ...] | None) -> SessionGrant | None:
    return SessionGrant(*row[:8]) if row else None


async def touch_in_own_transaction(conn: AsyncConnection, grant: ApiKeyGrant | SessionGrant) -> None:
    """Refreshes last_used_at / last_seen_at in a transaction of its own, bound like the request's (the
    request's has committed by then). One round trip, at most once a minute per credential and process."""
    if isinstance(grant, ApiKeyGrant):
        bind = {"tenant": str(grant.tenant_id), "user": ""}
        touch, params = _ASYNC_TOUCH_API_KEY, {"id": grant.api_key_id}
    else:
        bind = {"tenant": str(grant.tenant_id), "user": str(grant.user_id)}
        touch, params = _ASYNC_TOUCH_SESSION, {"id": grant.session_id}
    async with conn.pipeline():
        await conn.execute("begin")
        await conn.execute(_ASYNC_BIND, bind)
        await conn.execute(touch, params)
        await conn.execute("commit")
