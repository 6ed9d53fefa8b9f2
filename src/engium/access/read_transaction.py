"""The authenticated read on the event loop: credential, tenant binding and query without the thread pool
(ADR 0034).

:func:`reads_with` is the asyncio twin of ``Requires(permission)`` + ``DbSession`` for the high-volume
list reads. It declares the same two security schemes (so the API document is unchanged), refuses with the
same statuses and messages in the same order, and binds the tenant the same way: the credential is
resolved by the SECURITY DEFINER ``auth_*`` function in the statement that calls ``set_config(..., true)``,
so the binding is transaction-local and row-level security scopes every row the route then reads. Nothing
filters by tenant in Python.

One round trip per request: the route's statement is sent with ``begin``, the resolve-and-bind statement
and ``commit`` as one simple-protocol message (:meth:`ReadTransaction.fetch_and_commit`; ADR 0049, where
ADR 0034 queued them on a pipeline). The route's statement runs under whatever binding the resolve
statement made: none for an unknown credential, so row-level security shows it no row. Its rows are
handed over only after the credential's answer is checked, 401 or 403 otherwise, with the same messages.
When the query string is refused (400/422) before the route runs, the dependency sees that error and
checks the credential first, so a refused credential still answers first, as on every other route.
A stale ``last_used_at``/``last_seen_at`` is refreshed after the commit, in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
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
from engium.access.credential_lookup import ApiKeyGrant, SessionGrant
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.access.tokens import digest
from engium.kit.async_pool import AsyncAppPool, AsyncConnection


@dataclass(frozen=True)
class _Credential:
    """What the request presents, before the database has said whose it is."""

    resolve: LiteralString
    hash: bytes
    is_api_key: bool


def _credential(request: Request) -> _Credential:
    """The request's credential, or 401 for a missing or malformed one (before any database work)."""
    authorization = request.headers.get("authorization")
    if authorization is not None:
        return _Credential(repo.ASYNC_RESOLVE_API_KEY, digest(bearer_token(authorization)), is_api_key=True)
    return _Credential(repo.ASYNC_RESOLVE_SESSION, digest(session_cookie(request)), is_api_key=False)


@dataclass
class ReadTransaction:
    """A read's transaction, not yet sent: :meth:`fetch_and_commit` sends ``begin``, the credential's
    resolve-and-bind statement, the route's statement and ``commit`` as one message (ADR 0049)."""

    connection: AsyncConnection
    request: Request
    permission: Permission
    credential: _Credential
    checked: bool = False
    grant: ApiKeyGrant | SessionGrant | None = None

    async def fetch_and_commit(self, query: LiteralString, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Runs the route's one statement and commits, in the round trip that also resolves the credential;
        the rows are returned only once the credential is known and permitted (401/403 otherwise)."""
        if "h" in params:
            raise ValueError("the parameter name 'h' is the credential's")
        # One simple-protocol message, so one send and one receive on the event loop (a pipeline of four
        # extended-protocol statements cost about nine waits). The values are bound by psycopg's client-side
        # binding, quoted by the types' own dumpers (bytea, uuid, timestamptz), never spliced as text.
        cursor = psycopg.AsyncClientCursor(self.connection)
        try:
            await cursor.execute(
                f"begin; {self.credential.resolve}; {query}; commit", {"h": self.credential.hash, **params}
            )
            cursor.nextset()
            resolved = await cursor.fetchone()
            cursor.nextset()
            rows = await cursor.fetchall()
        except psycopg.Error as exc:
            raise _as_dbapi_error(exc) from exc
        self.check(resolved)
        return rows

    async def resolve_and_check(self) -> Principal:
        """The credential alone, for a request whose route never ran its statement (a refused query string):
        resolved in a transaction of its own, then checked as :meth:`check` does."""
        cursor = psycopg.AsyncClientCursor(self.connection)
        try:
            await cursor.execute(f"begin; {self.credential.resolve}; commit", {"h": self.credential.hash})
            cursor.nextset()
            resolved = await cursor.fetchone()
        except psycopg.Error as exc:
            raise _as_dbapi_error(exc) from exc
        return self.check(resolved)

    def check(self, row: tuple[Any, ...] | None) -> Principal:
        """The principal from the resolve statement's row: 401 for an unknown, revoked or expired credential,
        403 without the permission, exactly as ``Requires`` refuses."""
        self.checked = True
        if self.credential.is_api_key:
            key_grant = repo.api_key_grant(row)
            principal = api_key_principal(key_grant)
            self.grant = key_grant
        else:
            found = repo.session_grant(row)
            principal = session_principal(self.request, found)
            self.grant = found
        return check_permission(principal, self.permission)

    def needs_touch(self) -> bool:
        if isinstance(self.grant, ApiKeyGrant):
            return stale(self.grant.last_used_at)
        return isinstance(self.grant, SessionGrant) and stale(self.grant.last_seen_at)


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


@asynccontextmanager
async def read_transaction(request: Request, permission: Permission) -> AsyncIterator[ReadTransaction]:
    """The read's transaction, for the FastAPI dependency below and for a route answered without the
    framework's dependency solving (``engium.conversations.list_read_route``, ADR 0049): one code path."""
    credential = _credential(request)
    pool: AsyncAppPool = request.app.state.async_pool
    try:
        async with pool.connection() as conn:
            read = ReadTransaction(conn, request, permission, credential)
            try:
                try:
                    yield read
                except BaseException:
                    # The query string was refused (400/422) before the route ran, or the route's statement
                    # failed. A refused credential answers first, as on every route that checks it before its
                    # parameters: resolve_and_check() raises its 401/403 in place of that error (after
                    # ending the transaction a failed statement left aborted).
                    if not read.checked:
                        await _rollback(conn)
                        await read.resolve_and_check()
                    raise
                if not read.checked:
                    await read.resolve_and_check()
                if read.grant is not None and read.needs_touch():
                    await repo.touch_in_own_transaction(conn, read.grant)
            except psycopg.Error as exc:
                await _rollback(conn)
                raise _as_dbapi_error(exc) from exc
            except BaseException:
                # A refusal, the query string's 400/422, or the route's own error: nothing to keep.
                await _rollback(conn)
                raise
    except psycopg.Error as exc:
        # No connection to be had (the pool timed out, the server refused): 503, as for the engine.
        raise _as_dbapi_error(exc) from exc


def reads_with(permission: Permission) -> Callable[..., AsyncIterator[ReadTransaction]]:
    async def dependency(
        request: Request,
        _api_key: Annotated[HTTPAuthorizationCredentials | None, Security(API_KEY_SCHEME)] = None,
        _session_cookie: Annotated[str | None, Security(SESSION_SCHEME)] = None,
    ) -> AsyncIterator[ReadTransaction]:
        async with read_transaction(request, permission) as read:
            yield read

    return dependency


def ReadsWith(permission: Permission) -> object:  # noqa: N802 - reads like a type in signatures, as Requires
    """``Annotated[ReadTransaction, ReadsWith(Permission.X)]``: authenticated, permitted and bound; the
    transaction ends (commit or rollback) before the response is sent."""
    return Depends(reads_with(permission), scope="function")
