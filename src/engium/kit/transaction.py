"""One request = one transaction. Application code never commits; this dependency does."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from engium.kit.database import Database

# Called with the request's session just before a successful request commits (the audit layer uses it
# to guarantee every mutation leaves an event in the same transaction). Set on app.state.
BeforeCommit = Callable[[Session, Request], None]


def request_session(request: Request) -> Iterator[Session]:
    database: Database = request.app.state.database
    before_commit: BeforeCommit | None = getattr(request.app.state, "before_commit", None)
    # scope="function" below makes the commit happen before the response is sent, so a failed
    # commit becomes an error response instead of a success that was never stored.
    with database.transaction() as session:
        yield session
        if before_commit is not None:
            before_commit(session, request)


DbSession = Annotated[Session, Depends(request_session, scope="function")]
