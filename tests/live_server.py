"""A real ``engium serve`` process (uvicorn, its own embedded PostgreSQL) for attacks that only show on
the wire: forwarded headers, oversized bodies, races between connections.

The server gets its own data directory, so its background workers never touch the jobs of the
in-process test database. Tests reach its database by attaching to the same embedded server
(:attr:`LiveServer.database`), bound to one tenant at a time like the app.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx

from engium.kit.database import Database

STARTUP_SECONDS = 90.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def cli_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a CLI or server child: none of the developer's ENGIUM_* settings leak in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGIUM_")}
    env.update(extra or {})
    return env


def run_cli(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engium.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=cli_env(env), timeout=180,
    )


@dataclass
class LiveServer:
    data_dir: Path
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    _database: Database | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self, **kwargs: object) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30.0, **kwargs)  # type: ignore[arg-type]

    @property
    def database(self) -> Database:
        """The server's database, attached from the test process (same embedded PostgreSQL)."""
        if self._database is None:
            self._database = Database.open(app_url=None, owner_url=None, data_dir=self.data_dir, pool_size=5)
        return self._database

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self._database is not None:
            self._database.close()
            self._database = None


@contextmanager
def live_server(
    data_dir: Path, env: dict[str, str] | None = None, *args: str, log_name: str = "serve",
    log_dir: Path | None = None,
) -> Iterator[LiveServer]:
    """Starts ``engium serve`` on a free loopback port and waits until ``/readyz`` answers; its output goes
    to ``<data dir>-<log_name>.log`` (a name per server when several share a data directory), beside the
    data directory or in ``log_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = (log_dir or data_dir.parent) / f"{data_dir.name}-{log_name}.log"
    settings = {"ENGIUM_SECURE_COOKIES": "false", "ENGIUM_AUDIT_SEAL_INTERVAL_SECONDS": "3600", **(env or {})}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "engium.cli", "serve", "--data-dir", str(data_dir), "--port", str(port), *args],
            stdout=log, stderr=subprocess.STDOUT, env=cli_env(settings),
        )
    server = LiveServer(data_dir, port, process, log_path)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"engium serve exited with {process.returncode}:\n{server.log()}")
            try:
                if httpx.get(f"{server.url}/readyz", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"engium serve did not become ready:\n{server.log()}")
            time.sleep(0.3)
        yield server
    finally:
        server.stop()
