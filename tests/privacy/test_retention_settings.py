"""Retention settings through the API (bounds, roles, other tenants) and the operator's
``engium retention run [--dry-run]``."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.privacy.policy import LIMITS
from engium.runtime import Runtime
from tests.cli.runner import engium
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key
from tests.privacy.seeding import remaining, seed

URL = "/api/v1/privacy/settings"


def test_defaults_come_with_their_documented_bounds(client: TestClient, tenant: TenantHandle) -> None:
    response = client.get(URL, headers=tenant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    for name, limit in LIMITS.items():
        assert body[name] == limit.default
        assert body["limits"][name]["minimum"] == limit.minimum
        assert body["limits"][name]["maximum"] == limit.maximum
    assert body["regime"] == "gdpr"


def test_an_owner_changes_a_period_and_the_change_is_audited(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    response = client.patch(URL, json={"conversation_days": 365, "regime": "ccpa"}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["conversation_days"] == 365
    assert client.get(URL, headers=tenant.headers).json()["regime"] == "ccpa"
    (event,) = [e for e in audit_events(runtime, tenant) if e["action"] == "privacy.settings_updated"]
    assert event["details"]["fields"] == ["conversation_days", "regime"]
    assert event["details"]["conversation_days"] == 365
    # Another tenant's settings are its own.
    assert client.get(URL, headers=other_tenant.headers).json()["conversation_days"] == 730


def test_out_of_bounds_and_unknown_settings_answer_422(client: TestClient, tenant: TenantHandle) -> None:
    for body in ({"audit_months": 12}, {"conversation_days": 100000}, {"delivery_log_days": 1},
                 {"conversation_days": "soon"}, {"keep_for_ever": True}, {"regime": "lgpd"}):
        response = client.patch(URL, json=body, headers=tenant.headers)
        assert response.status_code == 422, (body, response.text)
    assert client.get(URL, headers=tenant.headers).json()["audit_months"] == 24


def test_lower_roles_read_or_are_refused(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    auditor = bearer(make_api_key(runtime, tenant, Role.AUDITOR))
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    assert client.get(URL, headers=auditor).status_code == 200
    assert client.get("/api/v1/privacy/retention/preview", headers=auditor).status_code == 200
    assert client.patch(URL, json={"conversation_days": 40}, headers=auditor).status_code == 403
    assert client.get(URL, headers=agent).status_code == 403
    assert client.get("/api/v1/privacy/retention/preview", headers=agent).status_code == 403
    assert client.patch(URL, json={"conversation_days": 40}, headers=agent).status_code == 403
    assert client.get(URL).status_code == 401


def test_the_preview_counts_and_removes_nothing(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    seeded = seed(runtime, tenant)
    response = client.get("/api/v1/privacy/retention/preview", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["counts"]["conversations"] == 2
    assert seeded.expired["conversations"] <= remaining(runtime, tenant.id, "conversations")


def test_the_operator_previews_then_runs_it(data_dir: Path, runtime: Runtime, tenant: TenantHandle) -> None:
    seeded = seed(runtime, tenant)
    dry = engium(data_dir, "retention", "run", "--dry-run", "--tenant", str(tenant.id), "--json")
    assert dry.returncode == 0, dry.stderr
    preview = json.loads(dry.stdout)
    assert preview["dry_run"] is True
    assert preview["counts"]["contacts"] == 1
    assert seeded.expired["contacts"] <= remaining(runtime, tenant.id, "contacts")
    assert not [e for e in audit_events(runtime, tenant) if e["action"] == "retention.purged"]

    ran = engium(data_dir, "retention", "run", "--tenant", str(tenant.id), "--json")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["counts"] == preview["counts"]
    assert not seeded.expired["contacts"] & remaining(runtime, tenant.id, "contacts")
    (proof,) = [e for e in audit_events(runtime, tenant) if e["action"] == "retention.purged"]
    assert proof["actor_kind"] == "operator"


def test_an_unknown_tenant_is_a_clear_error(data_dir: Path, runtime: Runtime) -> None:
    result = engium(data_dir, "retention", "run", "--dry-run", "--tenant", "00000000-0000-4000-8000-000000000000")
    assert result.returncode != 0
    assert "not found" in result.stderr + result.stdout
