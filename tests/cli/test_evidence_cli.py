"""``engium evidence export`` and ``verify`` as an operator runs them: separate processes, one data directory."""

from __future__ import annotations

import json
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.cli.runner import ENGIUM, engium
from tests.conftest import scratch_dir


def offline_verify(archive: Path, public_key: Path) -> subprocess.CompletedProcess[str]:
    """``verify`` takes no data directory: it needs no database, only the archive and the key."""
    return subprocess.run([*ENGIUM, "evidence", "verify", str(archive), "--public-key", str(public_key)],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def cli_data_dir() -> Iterator[Path]:
    with scratch_dir("engium-cli-evidence-") as data_dir:
        yield data_dir


def test_export_then_verify_then_tamper(cli_data_dir: Path, tmp_path: Path) -> None:
    created = engium(cli_data_dir, "tenant", "create", "Acme Dental", "--owner-email", "o@acme.example", "--json")
    assert created.returncode == 0, created.stderr
    tenant = json.loads(created.stdout)["id"]
    today = datetime.now(UTC).date().isoformat()
    out = tmp_path / "evidence.zip"
    exported = engium(cli_data_dir, "evidence", "export", "--from", "2026-01-01", "--to", today, "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        invitations = json.loads(archive.read(f"tenants/{tenant}/access-review/invitations.json"))
    assert f"tenants/{tenant}/access-review/members.json" in names
    assert invitations["invitations"][0]["email"] == "o@acme.example"

    public_key = cli_data_dir / "audit-signing-key.pem.pub"
    verified = offline_verify(out, public_key)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("verified:")

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(tampered, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content.replace(b"o@acme.example", b"x@acme.example"))
    refused = offline_verify(tampered, public_key)
    assert refused.returncode == 1
    assert f"tenants/{tenant}/access-review/invitations.json: altered" in refused.stdout


def test_a_bad_window_is_a_usage_error(cli_data_dir: Path, tmp_path: Path) -> None:
    result = engium(cli_data_dir, "evidence", "export", "--from", "2026-02-01", "--to", "2026-01-01",
                    "--out", str(tmp_path / "x.zip"))
    assert result.returncode == 2
    assert "before it starts" in result.stderr
    assert "Traceback" not in result.stderr
