"""Database runtime: engines for the app and owner roles, migrations, transactions.

Binding a transaction to a tenant (row-level security) is ``engium.tenancy.binding``."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import psycopg
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from engium.kit.embedded import DatabaseUrls, EmbeddedPostgres
from engium.kit.server_requirements import require_supported_server

if TYPE_CHECKING:
    from alembic.config import Config

    from engium.kit.schema_status import SchemaStatus

log = logging.getLogger(__name__)

# How ENGIUM_DATABASE_URL reaches PostgreSQL: directly, or through a transaction-pooling PgBouncer.
Pooler = Literal["none", "transaction"]

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Serialises migrations between processes starting at once (any fixed number).
MIGRATION_LOCK_KEY = 0x656E6769756D02

# CVE-2025-8713: planner statistics could leak rows past RLS; fixed in these minor releases.
_FIXED_MINORS = {13: 22, 14: 19, 15: 14, 16: 10, 17: 6}


def app_connection_options(pooler: Pooler) -> dict[str, object]:
    """psycopg connection arguments for the app role, shared by the engine and the asyncio pool
    (:mod:`engium.kit.async_pool`), so both plan and prepare statements alike."""
    if pooler == "transaction":
        # Unnamed statements only: each execution is planned with its parameters (a custom plan, so
        # partitions are pruned at plan time, as plan_cache_mode=force_custom_plan ensures below).
        return {"prepare_threshold": None}
    # Partitioned tables (knowledge) must be pruned at plan time: never use generic plans.
    return {"options": "-c plan_cache_mode=force_custom_plan"}


@dataclass
class Database:
    urls: DatabaseUrls
    app_engine: Engine
    sessions: sessionmaker[Session]
    embedded: EmbeddedPostgres | None = None
    pooler: Pooler = "none"
    pool_size: int = 20

    @classmethod
    def open(
        cls,
        *,
        app_url: str | None,
        owner_url: str | None,
        data_dir: Path,
        pool_size: int = 20,
        keep_embedded_running: bool = False,
        pooler: Pooler = "none",
        listen_url: str | None = None,
    ) -> Database:
        """``pooler="transaction"``: ``app_url`` reaches PostgreSQL through a transaction-pooling PgBouncer,
        where consecutive transactions of one client may run on different server connections. Nothing
        may then outlive a transaction: no server-side prepared statements (psycopg prepares a query
        after its fifth use by default) and no startup options; LISTEN and the job worker take
        ``listen_url``, a direct connection, which is therefore required (ADR 0023)."""
        if pooler == "transaction" and listen_url is None:
            raise ValueError(
                "ENGIUM_DATABASE_POOLER=transaction needs ENGIUM_DATABASE_LISTEN_URL: a direct connection as the "
                "app role for LISTEN (live inbox, job wake-ups) and the job worker, which a transaction pooler "
                "cannot carry"
            )
        embedded: EmbeddedPostgres | None = None
        if app_url is None:
            embedded = EmbeddedPostgres(data_dir)
            urls = embedded.start(keep_running=keep_embedded_running)
        else:
            if owner_url is None:
                raise ValueError("ENGIUM_OWNER_DATABASE_URL is required when ENGIUM_DATABASE_URL is set")
            urls = DatabaseUrls(app=app_url, owner=owner_url, listen=listen_url)
        engine = create_engine(
            urls.app,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=False,
            connect_args=app_connection_options(pooler),
        )
        db = cls(
            urls=urls,
            app_engine=engine,
            sessions=sessionmaker(engine, expire_on_commit=False, autoflush=False),
            embedded=embedded,
            pooler=pooler,
            pool_size=pool_size,
        )
        try:
            db.check_server()
        except Exception:
            db.close()
            raise
        return db

    def session_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        """A new autocommit connection as the app role that is never pooled by PgBouncer (LISTEN)."""
        url = make_url(self.urls.session_url).set(drivername="postgresql")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def owner_engine(self) -> Engine:
        return create_engine(self.urls.owner, pool_size=1, max_overflow=0)

    @staticmethod
    def _alembic_config() -> Config:
        from alembic.config import Config

        config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        return config

    def schema_status(self) -> SchemaStatus:
        """Compares the database's migration revisions with this code's, changing nothing."""
        from engium.kit.schema_status import read_schema_status

        engine = self.owner_engine()
        try:
            return read_schema_status(engine, self._alembic_config())
        finally:
            engine.dispose()

    def migrate(self) -> None:
        from alembic import command

        config = self._alembic_config()
        engine = self.owner_engine()
        try:
            with engine.connect() as conn:
                # Processes starting together (a server and its workers) migrate one at a time: the
                # later ones find the schema current. A session lock survives the per-migration commits.
                conn.execute(text("select pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                conn.commit()
                config.attributes["connection"] = conn
                command.upgrade(config, "heads")
        finally:
            engine.dispose()

    def check_server(self) -> None:
        """Refuses a server Engium cannot run on (:class:`UnsupportedServer` names what is missing) and
        warns about known-vulnerable minor releases."""
        with self.app_engine.connect() as conn:
            require_supported_server(conn)
            version = int(conn.execute(text("show server_version_num")).scalar_one())
        major, minor = version // 10000, version % 10000
        fixed = _FIXED_MINORS.get(major)
        if fixed is not None and minor < fixed:
            log.warning(
                "PostgreSQL %s.%s is affected by CVE-2025-8713 (RLS bypass through planner statistics); "
                "upgrade to %s.%s or later",
                major,
                minor,
                major,
                fixed,
            )

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commits on success, rolls back on any exception."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.app_engine.dispose()
        if self.embedded is not None:
            self.embedded.stop()
            self.embedded = None  # idempotent: the lifespan and the CLI may both close
