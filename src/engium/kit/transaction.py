"""One request = one transaction. Application code never commits; this dependency does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from engium.kit.database import Database


def request_session(request: Request) -> Iterator[Session]:
    database: Database = request.app.state.database
    # scope="function" below makes the commit happen before the response is sent, so a failed
    # commit becomes an error response instead of a success that was never stored.
    with database.transaction() as session:
        yield session


DbSession = Annotated[Session, Depends(request_session, scope="function")]
