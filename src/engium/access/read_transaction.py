"""The authenticated read on the event loop: credential, tenant binding and query without the thread pool
(ADR 0034).

:func:`reads_with` is the asyncio twin of ``Requires(permission)`` + ``DbSession`` for the high-volume
list reads. It declares the same two security schemes (so the API document is unchanged), refuses with the
same statuses and messages in the same order, and binds the tenant the same way: the credential is
resolved by the SECURITY DEFINER ``auth_*`` function in the statement that calls ``set_config(..., true)``,
so the binding is transaction-local and row-level security scopes every row the route then reads. Nothing
filters by tenant in Python.

Two round trips per request, both pipelined: ``begin`` + resolve-and-bind while the dependency runs (a
refusal, 401 or 403, therefore still comes before any 400/422 for the query string, as it does for every
other route), then the route's query + ``commit`` (:meth:`ReadTransaction.fetch_and_commit`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated, Any, LiteralString

import psycopg
from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.exc import DBAPIError

from engium.access import credential_lookup as repo
from engium.access.authentication import (
    API_KEY_SCHEME,
    SESSION_SCHEME,
    api_key_principal,
    bearer_token,
    check_permission,
    session_cookie,
    session_principal,
    stale,
)
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.access.tokens import digest
from engium.kit.async_pool import AsyncAppPool, AsyncConnection


@dataclass
class ReadTransaction:
    """A transaction bound to ``principal``'s tenant, open on ``connection`` until the route reads."""

    connection: AsyncConnection
    principal: Principal
    committed: bool = False

    async def fetch_and_commit(self, query: LiteralString, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Runs the route's one statement and commits, in one round trip."""
        try:
            async with self.connection.pipeline():
                found = await self.connection.execute(query, params)
                await self.connection.execute("commit")
            self.committed = True
            return await found.fetchall()
        except psycopg.Error as exc:
            raise _as_dbapi_error(exc) from exc


async def _authenticate(conn: AsyncConnection, request: Request) -> Principal:
    authorization = request.headers.get("authorization")
    if authorization is not None:
        key_grant = await repo.begin_and_resolve_api_key(conn, digest(bearer_token(authorization)))
        principal = api_key_principal(key_grant)
        if key_grant is not None and stale(key_grant.last_used_at):
            await repo.touch_api_key_async(conn, key_grant.api_key_id)
        return principal
    cookie = session_cookie(request)
    found = await repo.begin_and_resolve_session(conn, digest(cookie))
    principal = session_principal(request, found)
    if found is not None and stale(found.last_seen_at):
        await repo.touch_session_async(conn, found.session_id)
    return principal


def _as_dbapi_error(exc: psycopg.Error) -> DBAPIError:
    """The SQLAlchemy wrapper the error handlers know (503 for an unreachable database, 4xx for bad input)."""
    wrapped = DBAPIError.instance(None, None, exc, psycopg.Error)
    assert isinstance(wrapped, DBAPIError)  # a psycopg.Error always maps to one
    return wrapped


async def _rollback(conn: AsyncConnection) -> None:
    if conn.closed or conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        return
    with suppress(psycopg.Error):  # a broken connection: the pool discards it
        await conn.execute("rollback")


def reads_with(permission: Permission) -> Callable[..., AsyncIterator[ReadTransaction]]:
    async def dependency(
        request: Request,
        _api_key: Annotated[HTTPAuthorizationCredentials | None, Security(API_KEY_SCHEME)] = None,
        _session_cookie: Annotated[str | None, Security(SESSION_SCHEME)] = None,
    ) -> AsyncIterator[ReadTransaction]:
        pool: AsyncAppPool = request.app.state.async_pool
        async with pool.connection() as conn:
            try:
                principal = check_permission(await _authenticate(conn, request), permission)
                read = ReadTransaction(conn, principal)
                yield read
                if not read.committed:
                    await conn.execute("commit")
            except psycopg.Error as exc:
                await _rollback(conn)
                raise _as_dbapi_error(exc) from exc
            except BaseException:
                # A refusal (401/403), the query string's 400/422, or the route's own error.
                await _rollback(conn)
                raise

    return dependency


def ReadsWith(permission: Permission) -> object:  # noqa: N802 - reads like a type in signatures, as Requires
    """``Annotated[ReadTransaction, ReadsWith(Permission.X)]``: authenticated, permitted and bound; the
    transaction ends (commit or rollback) before the response is sent."""
    return Depends(reads_with(permission), scope="function")
