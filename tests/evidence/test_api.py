"""``GET /api/v1/evidence``: a tenant's own archive, for owners and auditors only, audited, nothing of others."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.audit.signing import load_or_create_signing_key, signing_key_path
from engium.evidence.verify import verify_archive
from engium.runtime import Runtime
from tests.conftest import audit_events, bearer, make_api_key, make_tenant
from tests.evidence.scenario import Scenario, archive_files, leaks
from tests.trust.seeding import enable

TODAY = datetime.now(UTC).date()
WINDOW = {"from": (TODAY - timedelta(days=30)).isoformat(), "to": TODAY.isoformat()}


def test_an_owner_gets_a_verifiable_archive_of_their_tenant_only(client: TestClient, runtime: Runtime,
                                                                  scenario: Scenario) -> None:
    response = client.get("/api/v1/evidence", params=WINDOW, headers=scenario.tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f"engium-evidence-{scenario.tenant.id}" in response.headers["content-disposition"]
    keys = load_or_create_signing_key(signing_key_path(runtime.settings)).key_ring()
    assert verify_archive(io.BytesIO(response.content), keys).problems == []
    files = archive_files(response.content)
    tenant_paths = {p.split("/")[1] for p in files if p.startswith("tenants/")}
    assert tenant_paths == {str(scenario.tenant.id)}
    # The operator-level table of every chain names other tenants: never in a tenant's export.
    assert not any(p.startswith("platform/audit-chains") for p in files)
    for content in files.values():
        assert str(scenario.other.id).encode() not in content
        assert scenario.other.owner_email.encode() not in content
    manifest = json.loads(files["manifest.json"])
    assert manifest["scope"] == {"kind": "tenant", "tenants": [str(scenario.tenant.id)]}
    verification = json.loads(files[f"tenants/{scenario.tenant.id}/audit-chain/verification.json"])
    assert verification["intact"] is True
    assert leaks(response.content, scenario.secrets) == []


def test_the_export_is_recorded_in_the_tenants_audit_log(client: TestClient, runtime: Runtime,
                                                        scenario: Scenario) -> None:
    auditor = make_api_key(runtime, scenario.tenant, Role.AUDITOR)
    response = client.get("/api/v1/evidence", params=WINDOW, headers=bearer(auditor))
    assert response.status_code == 200, response.text
    exported = [e for e in audit_events(runtime, scenario.tenant) if e["action"] == "evidence.exported"]
    assert exported[-1]["actor_kind"] == "api_key"
    assert exported[-1]["details"]["to"] == WINDOW["to"]
    assert not [e for e in audit_events(runtime, scenario.other)
                if e["action"] == "evidence.exported" and e["actor_kind"] == "api_key"]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AGENT])
def test_other_roles_are_refused(client: TestClient, runtime: Runtime, scenario: Scenario, role: Role) -> None:
    response = client.get("/api/v1/evidence", params=WINDOW, headers=bearer(make_api_key(runtime, scenario.other,
                                                                                          role)))
    assert response.status_code == 403


def test_no_credentials_no_archive(client: TestClient) -> None:
    assert client.get("/api/v1/evidence", params=WINDOW).status_code == 401


@pytest.mark.parametrize("params", [
    {"from": "2026-02-01", "to": "2026-01-01"},
    {"from": "2020-01-01", "to": "2026-01-01"},
    {"from": "2026-1-1", "to": "2026-01-31"},
    {"from": "2026-01-01", "to": "9999-12-31"},
    {"to": "2026-01-31"},
])
def test_a_bad_window_is_a_clear_422(client: TestClient, scenario: Scenario, params: dict[str, str]) -> None:
    response = client.get("/api/v1/evidence", params=params, headers=scenario.tenant.headers)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"]


def test_the_archive_holds_the_register_history_and_the_accepted_dpa(client: TestClient, runtime: Runtime) -> None:
    business = make_tenant(runtime)
    enable(client, business)  # Twilio joins the register: a dated change
    generated = client.post("/api/v1/trust/dpa", headers=business.headers)
    assert generated.status_code == 201, generated.text
    version = generated.json()
    assert client.post(f"/api/v1/trust/dpa/{version['version']}/accept", headers=business.headers).status_code == 200
    response = client.get("/api/v1/evidence", params=WINDOW, headers=business.headers)
    assert response.status_code == 200, response.text
    files = archive_files(response.content)
    base = f"tenants/{business.id}/subprocessors-and-dpa"
    changes = json.loads(files[f"{base}/subprocessor-changes.json"])["changes"]
    assert [(c["change"], c["name"]) for c in changes] == [("added", "Twilio Inc.")]
    versions = json.loads(files[f"{base}/dpa-versions.json"])["versions"]
    assert [(v["version"], v["sha256"], v["signature"]) for v in versions] == [
        (version["version"], version["sha256"], version["signature"])]
    assert versions[0]["accepted_by"] is not None  # the owner's key that accepted it
    assert versions[0]["accepted_at"] is not None
    assert json.loads(files[f"{base}/subprocessor-objections.json"])["objections"] == []
