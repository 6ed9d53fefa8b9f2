"""A variable the job runtime replaced is refused at start, naming what replaces it: an operator who kept
ENGIUM_CHANNELS_BATCH_SIZE in a unit file learns that it no longer does anything, instead of a silent no-op."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from engium.config import REMOVED_SETTINGS
from tests.cli.runner import ENGIUM


def _start(command: str, data_dir: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGIUM_")} | environment
    return subprocess.run(
        [*ENGIUM, command, "--data-dir", str(data_dir)], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("command", "variable", "replacement"),
    [
        ("worker", "ENGIUM_CHANNELS_BATCH_SIZE", "ENGIUM_JOBS_CONCURRENCY"),
        ("serve", "ENGIUM_ASSISTANT_POLL_INTERVAL_SECONDS", "ENGIUM_JOBS_POLL_INTERVAL_SECONDS"),
        ("worker", "ENGIUM_WEBHOOKS_LEASE_SECONDS", "heartbeats"),
    ],
)
def test_a_removed_setting_stops_the_process_with_one_line_naming_its_replacement(
    tmp_path: Path, command: str, variable: str, replacement: str
) -> None:
    result = _start(command, tmp_path, {variable: "5"})

    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: invalid configuration: ")
    assert f"{variable} is no longer used" in line
    assert replacement in line
    assert REMOVED_SETTINGS[variable] in line
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    # Refused before anything starts: no database was created in the data directory.
    assert list(tmp_path.iterdir()) == []


def test_every_removed_setting_is_named_with_its_replacement(tmp_path: Path) -> None:
    """All of them at once: one line that names each, so a unit file is fixed in one pass."""
    result = _start("worker", tmp_path, dict.fromkeys(REMOVED_SETTINGS, "1"))

    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    for variable in REMOVED_SETTINGS:
        assert f"{variable} is no longer used" in line
    assert "Traceback" not in result.stderr
