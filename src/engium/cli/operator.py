"""What every operator command shares: failing with a clear message, and acting inside one tenant."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn
from uuid import UUID

import typer
from sqlalchemy.orm import Session

from engium.errors import NotFound
from engium.kit.database import Database
from engium.tenancy.service import get_tenant


def operator_name() -> str:
    """Who runs this command, for the audit log's actor id: the OS account and the host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"[:200]


def fail(message: str) -> NoReturn:
    """Exit 2 with ``error: message`` on stderr: no traceback for a mistake the operator can fix."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@contextmanager
def existing_tenant_transaction(database: Database, tenant_id: UUID) -> Iterator[Session]:
    """A transaction bound to ``tenant_id``, after checking the tenant exists (RLS hides unknown ones)."""
    with database.tenant_transaction(tenant_id) as session:
        try:
            get_tenant(session)
        except NotFound:
            fail(f"tenant {tenant_id} not found")
        yield session
