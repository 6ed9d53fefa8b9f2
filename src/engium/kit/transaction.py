"""One request = one transaction. Application code never commits; this dependency does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from engium.kit.database import Database

# Called with the request's session just before a successful request commits (the audit layer uses it
# to guarantee every mutation leaves an event in the same transaction). Set on app.state.
BeforeCommit = Callable[[Session, Request], None]


@contextmanager
def request_transaction(request: Request) -> Iterator[Session]:
    """The request's one transaction: ``before_commit`` runs once the work succeeded, any exception rolls
    back. Both ways in (:data:`DbSession` and :func:`in_request_transaction`) share this rule."""
    database: Database = request.app.state.database
    before_commit: BeforeCommit | None = getattr(request.app.state, "before_commit", None)
    with database.transaction() as session:
        yield session
        if before_commit is not None:
            before_commit(session, request)


def request_session(request: Request) -> Iterator[Session]:
    # scope="function" below makes the commit happen before the response is sent, so a failed
    # commit becomes an error response instead of a success that was never stored.
    with request_transaction(request) as session:
        yield session


DbSession = Annotated[Session, Depends(request_session, scope="function")]

Result = TypeVar("Result")


def in_request_transaction(request: Request, work: Callable[[Session], Result]) -> Result:
    """What :data:`DbSession` gives a sync route, for an ``async`` route that hands its whole transaction to
    the thread pool in one hop (``run_in_threadpool(in_request_transaction, request, work)``) instead of
    three (the dependency's enter and exit, the route): the high-volume webhook ingest (ADR 0048)."""
    with request_transaction(request) as session:
        return work(session)
