"""A PostgreSQL cluster from Debian's packages, started for a test the way an operator runs their own server:
over TCP, with a SCRAM password, and nothing from Engium's embedded bootstrap.

Debian's PostgreSQL 15 has no pgvector package here, which makes it the server a misconfigured deployment
points Engium at. PostgreSQL refuses to run as root, so under root (CI) the cluster runs as the
``postgres`` account the package creates.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.live_server import free_port

PG15_BIN = Path(os.environ.get("ENGIUM_TEST_PG15_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "operator_admin"


def missing_reason() -> str | None:
    if not (PG15_BIN / "initdb").exists():
        return f"{PG15_BIN}/initdb is missing (apt-get install postgresql-15)"
    return None


@dataclass(frozen=True)
class Cluster:
    port: int
    password: str

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        secret = self.password if password is None else password
        return f"postgresql+psycopg://{SUPERUSER}:{secret}@127.0.0.1:{self.port}/{database}"


def _as_cluster_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def debian_cluster() -> Iterator[Cluster]:
    base = Path(tempfile.mkdtemp(prefix="engium-pg15-"))
    data, sockets = base / "data", base / "sockets"
    password = secrets.token_urlsafe(18)
    (base / "pw").write_text(password)
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sockets, "postgres")
        shutil.chown(base / "pw", "postgres")
    port = free_port()
    subprocess.run(_as_cluster_owner([
        str(PG15_BIN / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=scram-sha-256",
        f"--pwfile={base / 'pw'}", "--no-sync",
    ]), check=True, capture_output=True, timeout=120)
    subprocess.run(_as_cluster_owner([
        str(PG15_BIN / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
        "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
    ]), check=True, capture_output=True, timeout=120)
    try:
        yield Cluster(port, password)
    finally:
        subprocess.run(_as_cluster_owner([str(PG15_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)
