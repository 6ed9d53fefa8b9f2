"""The CLI as a separate process, as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ENGIUM = [sys.executable, "-m", "engium.cli"]


def engium(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGIUM_")}
    return subprocess.run(
        [*ENGIUM, *args, "--data-dir", str(data_dir)], capture_output=True, text=True, env=env, timeout=120
    )
