"""What every operator command shares: settings and a migrated database, failing with a clear message,
acting inside one tenant, and who the operator is."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn
from uuid import UUID

import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engium.audit.actions import ActorKind
from engium.config import Settings
from engium.errors import NotFound
from engium.kit.database import Database
from engium.kit.server_requirements import UnsupportedServer
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.service import get_tenant


def operator_name() -> str:
    """Who runs this command, for the audit log's actor id: the OS account and the host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"[:200]


def operator_actor() -> tuple[ActorKind, str]:
    """The audit log's actor for what this command does."""
    return ActorKind.OPERATOR, operator_name()


def fail(message: str) -> NoReturn:
    """Exit 2 with ``error: message`` on stderr: no traceback for a mistake the operator can fix."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


@contextmanager
def existing_tenant_transaction(database: Database, tenant_id: UUID) -> Iterator[Session]:
    """A transaction bound to ``tenant_id``, after checking the tenant exists (RLS hides unknown ones)."""
    with tenant_transaction(database, tenant_id) as session:
        try:
            get_tenant(session)
        except NotFound:
            fail(f"tenant {tenant_id} not found")
        yield session


def settings_for(data_dir: Path | None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        fail("invalid configuration: " + "; ".join(str(e.get("msg", "")) for e in exc.errors()))
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    return settings


def open_database(settings: Settings, *, keep_running: bool = False) -> Database:
    """The configured database, or exit 2 naming what is wrong with it (never a traceback, and never the
    URL, which may carry a password)."""
    try:
        return Database.open(
            app_url=settings.database_url.get_secret_value() if settings.database_url else None,
            owner_url=settings.owner_database_url.get_secret_value() if settings.owner_database_url else None,
            data_dir=settings.resolved_data_dir,
            pool_size=settings.db_pool_size,
            keep_embedded_running=keep_running,
            pooler=settings.database_pooler,
            listen_url=settings.database_listen_url.get_secret_value() if settings.database_listen_url else None,
        )
    except (UnsupportedServer, ValueError) as exc:
        fail(str(exc))
    except OperationalError as exc:
        # psycopg's first line names the host, port, user and the reason; it never includes the password.
        fail("cannot connect to PostgreSQL: " + str(exc.orig).strip().splitlines()[0])


@contextmanager
def migrated(data_dir: Path | None) -> Iterator[tuple[Settings, Database]]:
    settings = settings_for(data_dir)
    database = open_database(settings)
    try:
        database.migrate()
        # TOTP secrets stored in clear before migration 0012 need the root key, which migrations lack.
        from engium.identity.totp import seal_legacy_secrets

        seal_legacy_secrets(database, settings)
        yield settings, database
    finally:
        database.close()
