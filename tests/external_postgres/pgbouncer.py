"""Debian's PgBouncer in transaction mode in front of a test's embedded PostgreSQL, as an operator runs it:
clients on TCP with SCRAM, a few server connections shared by many clients.

PgBouncer refuses to run as root; under root it runs as the embedded server's OS user (``pgserver``),
which can reach that server's private socket directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url

from tests.live_server import free_port

PGBOUNCER = Path(os.environ.get("ENGIUM_TEST_PGBOUNCER", "/usr/sbin/pgbouncer"))
EMBEDDED_OS_USER = "pgserver"


def missing_reason() -> str | None:
    if not PGBOUNCER.exists():
        return f"{PGBOUNCER} is missing (apt-get install pgbouncer)"
    return None


def _run_as() -> str | None:
    return EMBEDDED_OS_USER if os.geteuid() == 0 else None


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until ``process`` accepts connections on ``port`` (30 s at most); its log in the error otherwise."""
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                said = log.read_text() if log.exists() else ""
                raise RuntimeError(f"did not start: {said}") from None
            time.sleep(0.1)


@contextmanager
def pgbouncer(direct_app_url: str, *, server_connections: int = 4) -> Iterator[str]:
    """Yields the app-role URL through PgBouncer for the embedded server that ``direct_app_url`` reaches
    over its Unix socket."""
    direct = make_url(direct_app_url)
    socket_dir = str(direct.query["host"])
    user, password = str(direct.username), str(direct.password)
    base = Path(tempfile.mkdtemp(prefix="engium-pgbouncer-"))
    port = free_port()
    (base / "users.txt").write_text(f'"{user}" "{password}"\n')
    (base / "pgbouncer.ini").write_text(f"""[databases]
{direct.database} = host={socket_dir} dbname={direct.database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = {base / 'users.txt'}
pool_mode = transaction
default_pool_size = {server_connections}
min_pool_size = 0
reserve_pool_size = 0
max_client_conn = 500
ignore_startup_parameters = extra_float_digits
logfile = {base / 'pgbouncer.log'}
pidfile = {base / 'pgbouncer.pid'}
""")
    owner = _run_as()
    if owner is not None:
        uid = pwd.getpwnam(owner).pw_uid
        for path in (base, base / "users.txt", base / "pgbouncer.ini"):
            os.chown(path, uid, -1)
    (base / "users.txt").chmod(0o600)
    command = [str(PGBOUNCER), str(base / "pgbouncer.ini")]
    process = subprocess.Popen(["runuser", "-u", owner, "--", *command] if owner else command,
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process, base / "pgbouncer.log")
        yield direct.set(host="127.0.0.1", port=port, query={}).render_as_string(hide_password=False)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)
