"""The operator's archive: every section present per tenant, verifiable, window-filtered, secret-free, audited."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.recorder import PLATFORM_TENANT
from engium.audit.signing import load_or_create_signing_key, signing_key_path, verifier_keys
from engium.evidence.export import export_operator
from engium.evidence.sections import PLATFORM_SECTIONS, TENANT_SECTIONS
from engium.evidence.verify import verify_archive
from engium.evidence.window import Window
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import audit_events
from tests.evidence.scenario import Scenario, archive_files, leaks
from tests.incidents.fixtures import add_incident_notification

TODAY = datetime.now(UTC).date()


def _export(runtime: Runtime, scenario: Scenario, window: Window) -> bytes:
    settings = runtime.settings
    return export_operator(runtime.database, load_or_create_signing_key(signing_key_path(settings)),
                           verifier_keys(settings), DirectoryAnchorStore(anchor_dir(settings)), window,
                           [scenario.tenant.id, scenario.other.id], "auditor-test@host")


def _json(files: dict[str, bytes], path: str) -> Any:
    return json.loads(files[path])


@pytest.fixture(scope="module")
def today_archive(runtime: Runtime, scenario: Scenario) -> bytes:
    return _export(runtime, scenario, Window(TODAY - timedelta(days=1), TODAY))


def test_the_archive_verifies_against_its_signed_manifest(runtime: Runtime, today_archive: bytes) -> None:
    import io

    check = verify_archive(io.BytesIO(today_archive), load_or_create_signing_key(
        signing_key_path(runtime.settings)).key_ring())
    assert check.problems == []
    files = archive_files(today_archive)
    manifest = json.loads(files["manifest.json"])
    assert {entry["path"] for entry in manifest["files"]} == set(files) - {"manifest.json", "manifest.sig"}
    assert check.files_checked == len(manifest["files"])
    assert manifest["window"]["from"] == (TODAY - timedelta(days=1)).isoformat()


def test_every_registered_section_is_there_for_every_tenant(scenario: Scenario, today_archive: bytes) -> None:
    folders = {"/".join(path.split("/")[:3]) for path in archive_files(today_archive)}
    for tenant in (scenario.tenant, scenario.other):
        for section in TENANT_SECTIONS:
            assert f"tenants/{tenant.id}/{section.name}" in folders
    for platform in PLATFORM_SECTIONS:
        assert any(folder.startswith(f"platform/{platform.name}") for folder in folders)


def test_the_access_review_names_members_roles_mfa_and_keys(scenario: Scenario, today_archive: bytes) -> None:
    files = archive_files(today_archive)
    base = f"tenants/{scenario.tenant.id}/access-review"
    members = _json(files, f"{base}/members.json")["members"]
    owner = next(m for m in members if m["email"] == scenario.tenant.owner_email)
    assert owner["role"] == "owner"
    assert owner["mfa_enabled"] is True
    keys = _json(files, f"{base}/api-keys.json")["api_keys"]
    desk = next(k for k in keys if k["name"] == "front desk")
    assert desk["role"] == "agent"
    assert desk["created_by_email"] == scenario.tenant.owner_email
    assert desk["last_used_at"] is not None
    assert set(desk) == {"id", "name", "role", "creator_kind", "created_by_user_id", "created_by_email",
                         "created_by_api_key_id", "created_at", "last_used_at", "revoked_at"}
    changes = _json(files, f"{base}/changes.json")["events"]
    assert "apikey.created" in {e["action"] for e in changes}


def test_the_other_sections_hold_the_controls_records(scenario: Scenario, today_archive: bytes) -> None:
    files = archive_files(today_archive)
    base = f"tenants/{scenario.tenant.id}"
    chain = _json(files, f"{base}/audit-chain/verification.json")
    assert chain["intact"] is True
    assert chain["events"] > 0
    assert chain["checkpoints"] >= 1
    assert _json(files, f"{base}/audit-chain/checkpoints.json")["checkpoints"]
    keys = _json(files, f"{base}/key-rotation/data-keys.json")
    assert [v["version"] for v in keys["versions"]] == [1, 2]
    assert keys["active_version"] == 2
    assert all(set(v) == {"version", "state", "root_key_id", "encryptions", "created_at", "rewrapped_at"}
               for v in keys["versions"])
    retention = _json(files, f"{base}/retention/runs.json")
    assert retention["batches"] >= 1
    assert retention["days_without_a_run"] == []  # created today, purged today
    settings = _json(files, f"{base}/retention/settings-changes.json")["events"]
    assert settings[0]["details"]["conversation_days"] == 365
    dsr = _json(files, f"{base}/subject-requests/requests.json")
    assert dsr["deadline_states"] == {"met": 1, "missed": 1, "pending": 1}
    assert all("contact_id" not in item and "refusal_reason" not in item for item in dsr["items"])
    migrations = _json(files, "platform/migrations/migrations.json")
    assert migrations["schema_matches_code"] is True
    assert migrations["applied_heads"] == migrations["code_heads"]
    assert migrations["shipped_revisions"][0]["down_revision"] is None
    chains = _json(files, "platform/audit-chains/verification.json")
    # Every chain of the database is there (other modules' tenants too, whatever state they left).
    ours = {r["tenant_id"]: r for r in chains["reports"] if r["tenant_id"] in {str(scenario.tenant.id),
                                                                              str(scenario.other.id)}}
    assert len(ours) == 2
    assert all(r["intact"] for r in ours.values())
    assert chains["chains"] == len(chains["reports"]) >= 2


def test_no_secret_and_no_customer_data_is_in_the_archive(scenario: Scenario, today_archive: bytes) -> None:
    assert leaks(today_archive, scenario.secrets) == []


def test_the_planted_secrets_would_be_found(scenario: Scenario) -> None:
    """The leak check itself works: an archive holding a planted value is caught."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.json", b"{\"k\": \"" + scenario.secrets["totp secret"] + b"\"}")
    assert leaks(buffer.getvalue(), scenario.secrets) == ["totp secret in x.json"]


def test_a_window_before_the_records_holds_none_of_them(runtime: Runtime, scenario: Scenario) -> None:
    files = archive_files(_export(runtime, scenario, Window(date(2020, 1, 1), date(2020, 1, 31))))
    base = f"tenants/{scenario.tenant.id}"
    assert _json(files, f"{base}/audit-chain/checkpoints.json")["checkpoints"] == []
    runs = _json(files, f"{base}/retention/runs.json")
    assert runs["batches"] == 0
    assert runs["days_without_a_run"] == []  # the tenant did not exist yet
    assert _json(files, f"{base}/subject-requests/requests.json")["items"] == []
    assert _json(files, f"{base}/access-review/changes.json")["events"] == []
    assert _json(files, f"{base}/key-rotation/rotations.json")["events"] == []
    # The snapshot parts describe today whatever the window.
    assert _json(files, f"{base}/access-review/members.json")["members"]


def test_each_tenant_and_the_platform_chain_record_the_export(runtime: Runtime, scenario: Scenario,
                                                              today_archive: bytes) -> None:
    for tenant in (scenario.tenant, scenario.other):
        exported = [e for e in audit_events(runtime, tenant) if e["action"] == "evidence.exported"]
        assert exported
        assert exported[-1]["actor_kind"] == "operator"
        assert exported[-1]["actor_id"] == "auditor-test@host"
        mine = [e for e in exported if e["details"]["from"] == (TODAY - timedelta(days=1)).isoformat()]
        assert len(mine) == 1
        assert len(mine[0]["details"]["digest"]) == 64
        assert mine[0]["details"]["sections"] == [s.name for s in TENANT_SECTIONS]
    with tenant_transaction(runtime.database, PLATFORM_TENANT) as session:
        platform = session.execute(text(
            "select count(*) from audit_events where action = 'evidence.exported' and actor_id = :who"),
            {"who": "auditor-test@host"}).scalar_one()
    assert platform >= 1


def test_a_bad_window_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        Window.parse("2026-1-5", "2026-02-01")
    with pytest.raises(ValueError, match="before it starts"):
        Window.parse("2026-02-01", "2026-01-01")


def test_an_export_of_one_tenant_reads_and_verifies_that_tenant_only(runtime: Runtime, scenario: Scenario) -> None:
    settings = runtime.settings
    archive = export_operator(runtime.database, load_or_create_signing_key(signing_key_path(settings)),
                              verifier_keys(settings), DirectoryAnchorStore(anchor_dir(settings)),
                              Window(TODAY, TODAY), [scenario.other.id], "auditor-test@host", every_chain=False)
    files = archive_files(archive)
    assert {p.split("/")[1] for p in files if p.startswith("tenants/")} == {str(scenario.other.id)}
    chains = _json(files, "platform/audit-chains/verification.json")
    assert [r["tenant_id"] for r in chains["reports"]] == [str(scenario.other.id)]
    assert scenario.tenant.owner_email.encode() not in b"".join(files.values())


def test_incidents_show_with_their_clocks_and_the_notices_each_tenant_received(
    runtime: Runtime, scenario: Scenario
) -> None:
    incident_id = add_incident_notification(runtime, scenario.tenant.id)
    files = archive_files(_export(runtime, scenario, Window(TODAY, TODAY)))
    incidents = {i["id"]: i for i in _json(files, "platform/incidents/incidents.json")["incidents"]}
    ours = incidents[str(incident_id)]
    assert ours["tenant_ids"] == [str(scenario.tenant.id)]
    assert ours["regulator_clock"] == "pending"  # 72 hours from awareness, not yet notified
    assert [entry["kind"] for entry in ours["timeline"]][:1] == ["declared"]
    notices = _json(files, f"tenants/{scenario.tenant.id}/incidents/notifications.json")["notifications"]
    assert [n["incident_id"] for n in notices] == [str(incident_id)]
    assert _json(files, f"tenants/{scenario.other.id}/incidents/notifications.json")["notifications"] == []
