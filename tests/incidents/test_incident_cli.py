"""The runbook's commands, run as the operator runs them (their own process, the same data directory)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from engium.runtime import Runtime
from tests.audit.conftest import engium_cli
from tests.conftest import make_tenant


def test_declare_follow_notify_export_and_close_from_the_command_line(
    runtime: Runtime, data_dir: Path, tmp_path: Path
) -> None:
    tenant = make_tenant(runtime)
    declared = engium_cli(data_dir, "incident", "declare", "--title", "Leaked support export", "--severity",
                          "critical", "--tenant", str(tenant.id), "--categories", "contact_details,communications",
                          "--window-start", "2020-01-01T00:00:00+00:00", "--owner", "alice", "--json")
    assert declared.returncode == 0, declared.stderr
    incident = json.loads(declared.stdout)
    ident = incident["id"]
    assert incident["regulator_due_at"] > incident["aware_at"]

    listed = engium_cli(data_dir, "incident", "list", "--open", "--json")
    assert ident in [i["id"] for i in json.loads(listed.stdout)]
    refused = engium_cli(data_dir, "incident", "status", ident, "closed")
    assert refused.returncode == 2
    assert "only 'contained' may follow" in refused.stderr
    assert engium_cli(data_dir, "incident", "status", ident, "contained").returncode == 0
    assert engium_cli(data_dir, "incident", "timeline", "add", ident, "Export link revoked").returncode == 0
    notified = engium_cli(data_dir, "incident", "notify", ident)
    assert str(tenant.id) in notified.stdout
    assert engium_cli(data_dir, "incident", "status", ident, "notified").returncode == 0

    bundle = tmp_path / "evidence.zip"
    exported = engium_cli(data_dir, "incident", "evidence", ident, "--out", str(bundle))
    assert exported.returncode == 0, exported.stderr
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        access = [json.loads(line)["action"] for line in archive.read(f"access/{tenant.id}.jsonl").splitlines()]
        events = [json.loads(line)["action"] for line in archive.read(f"audit/{tenant.id}.jsonl").splitlines()]
        verification = json.loads(archive.read("verification.json"))
    assert {"incident.json", "verification.json", "manifest.json", f"audit/{tenant.id}.jsonl"} <= names
    assert "apikey.created" in access
    assert all(a.startswith(("auth.", "request.denied", "apikey.", "member.", "invitation.")) for a in access)
    assert "incident.tenant_notified" in events
    assert verification["tenants"][str(tenant.id)]["findings"] == []
    assert engium_cli(None, "incident", "verify-evidence", str(bundle)).returncode == 0

    review = tmp_path / "review.md"
    review.write_text("Root cause: an export link without expiry. Fix: links expire after 24 hours.\n")
    closed = engium_cli(data_dir, "incident", "review", ident, "--file", str(review))
    assert closed.returncode == 0, closed.stderr
    shown = json.loads(engium_cli(data_dir, "incident", "show", ident, "--json").stdout)
    assert shown["status"] == "closed"
    assert shown["review"].startswith("Root cause")
    assert [e["kind"] for e in shown["timeline"]] == ["declared", "status", "note", "notification", "status", "status"]


def test_a_tampered_bundle_fails_its_manifest(tmp_path: Path) -> None:
    bundle = tmp_path / "evidence.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.writestr("incident.json", "{}")
        archive.writestr("manifest.json", json.dumps({"files": {"incident.json": {"sha256": "0" * 64, "bytes": 2}}}))
    checked = engium_cli(None, "incident", "verify-evidence", str(bundle))
    assert checked.returncode == 1
    assert "incident.json: SHA-256 differs" in checked.stdout


def test_an_operator_token_is_minted_with_the_hash_to_configure() -> None:
    made = engium_cli(None, "operator", "token", "create")
    assert made.returncode == 0
    token = made.stdout.split("shown once): ", 1)[1].split()[0]
    import hashlib

    assert f"ENGIUM_OPERATOR_TOKEN_SHA256={hashlib.sha256(token.encode()).hexdigest()}" in made.stdout
