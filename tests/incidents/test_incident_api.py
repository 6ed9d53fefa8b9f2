"""The operator's incident API and a business's notifications: the credential, the order of statuses,
the clock, and what each tenant may see."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from engium.incidents.operator_auth import HEADER, new_token
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.incidents.conftest import add_endpoint, deliveries_of

BASE = "/api/v1/operator/incidents"


@pytest.fixture
def operator_token(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    token, digest = new_token()
    incidents = runtime.settings.incidents.model_copy(update={"operator_token_sha256": SecretStr(digest)})
    monkeypatch.setattr(runtime.settings, "incidents", incidents)
    return {HEADER: token}


def _declare(client: TestClient, headers: dict[str, str], tenants: list[TenantHandle], **extra: Any) -> dict[str, Any]:
    body = {"title": "Backup bucket exposed", "severity": "high", "tenant_ids": [str(t.id) for t in tenants],
            "categories": ["contact_details", "communications"], **extra}
    answer = client.post(BASE, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def test_without_the_operator_token_configured_every_route_answers_401(client: TestClient, runtime: Runtime) -> None:
    assert runtime.settings.incidents.operator_token_sha256 is None
    token, _ = new_token()
    assert client.get(BASE, headers={HEADER: token}).status_code == 401
    assert client.post(BASE, json={"title": "x", "severity": "low"}, headers={HEADER: token}).status_code == 401


def test_no_token_or_a_wrong_one_answers_401(client: TestClient, operator_token: dict[str, str],
                                             tenant: TenantHandle) -> None:
    assert client.get(BASE).status_code == 401
    wrong, _ = new_token()
    assert client.get(BASE, headers={HEADER: wrong}).status_code == 401
    # A tenant's owner API key is not an operator credential.
    assert client.get(BASE, headers=tenant.headers).status_code == 401
    assert client.get(BASE, headers=operator_token).status_code == 200


def test_the_lifecycle_keeps_its_order_and_closing_needs_a_review(
    client: TestClient, runtime: Runtime, operator_token: dict[str, str], tenant: TenantHandle
) -> None:
    incident = _declare(client, operator_token, [tenant], owner="alice")
    url = f"{BASE}/{incident['id']}"
    assert incident["status"] == "detected"
    assert incident["regulator_overdue"] is False
    assert incident["tenants_overdue"] is False
    # Skipping a step, going back, or an unknown status.
    assert client.post(f"{url}/status", json={"status": "notified"}, headers=operator_token).status_code == 409
    assert client.post(f"{url}/status", json={"status": "closed", "review": "x"},
                       headers=operator_token).status_code == 409
    assert client.post(f"{url}/status", json={"status": "gone"}, headers=operator_token).status_code == 422
    assert client.post(f"{url}/status", json={"status": "contained"}, headers=operator_token).status_code == 200
    assert client.post(f"{url}/status", json={"status": "detected"}, headers=operator_token).status_code == 409
    # "notified" needs every affected business told first.
    assert client.post(f"{url}/status", json={"status": "notified"}, headers=operator_token).status_code == 409
    told = client.post(f"{url}/notifications", headers=operator_token)
    assert told.json()["notified_tenant_ids"] == [str(tenant.id)]
    assert client.post(f"{url}/notifications", headers=operator_token).json()["notified_tenant_ids"] == []
    notified = client.post(f"{url}/status", json={"status": "notified"}, headers=operator_token)
    assert notified.status_code == 200
    assert notified.json()["regulator_notified_at"] is not None
    assert client.post(f"{url}/status", json={"status": "closed"}, headers=operator_token).status_code == 422
    entry = client.post(f"{url}/timeline", json={"body": "Keys rotated; bucket policy fixed"}, headers=operator_token)
    assert entry.status_code == 201
    closed = client.post(f"{url}/status", json={"status": "closed", "review": "Root cause: a public ACL."},
                         headers=operator_token)
    assert closed.status_code == 200, closed.text
    body = closed.json()
    assert body["status"] == "closed"
    assert [e["kind"] for e in body["timeline"]] == [
        "declared", "status", "notification", "status", "note", "status"]
    assert client.patch(url, json={"severity": "low"}, headers=operator_token).status_code == 409


def test_unknown_tenants_and_a_window_that_ends_before_it_starts_are_refused(
    client: TestClient, operator_token: dict[str, str]
) -> None:
    body = {"title": "x", "severity": "low", "tenant_ids": ["00000000-0000-4000-8000-000000000001"]}
    assert client.post(BASE, json=body, headers=operator_token).status_code == 422
    body = {"title": "x", "severity": "low", "window_start": "2030-01-02T00:00:00Z",
            "window_end": "2030-01-01T00:00:00Z"}
    assert client.post(BASE, json=body, headers=operator_token).status_code == 422
    assert client.post(BASE, json={"title": "x", "severity": "low", "extra": 1},
                       headers=operator_token).status_code == 422


def test_overdue_flags_follow_the_clock(client: TestClient, operator_token: dict[str, str],
                                        tenant: TenantHandle) -> None:
    incident = _declare(client, operator_token, [tenant], aware_at="2020-01-01T00:00:00Z")
    assert incident["regulator_due_at"].startswith("2020-01-04T00:00:00")
    assert incident["regulator_overdue"] is True
    assert incident["tenants_overdue"] is True
    listed = client.get(BASE, params={"open_only": "true"}, headers=operator_token).json()["incidents"]
    assert incident["id"] in [i["id"] for i in listed]


def test_each_business_sees_only_its_own_notifications(
    client: TestClient, runtime: Runtime, operator_token: dict[str, str], tenant: TenantHandle
) -> None:
    other = make_tenant(runtime)
    bystander = make_tenant(runtime)
    add_endpoint(runtime, tenant, ["incident.notified"])
    add_endpoint(runtime, bystander, ["incident.notified"])
    mine = _declare(client, operator_token, [tenant], window_start="2030-01-01T00:00:00Z")
    theirs = _declare(client, operator_token, [other])
    for incident in (mine, theirs):
        assert client.post(f"{BASE}/{incident['id']}/notifications", headers=operator_token).status_code == 200

    seen = client.get("/api/v1/incident-notifications", headers=tenant.headers).json()["notifications"]
    assert [n["incident_id"] for n in seen] == [mine["id"]]
    assert "phone numbers and e-mail addresses" in seen[0]["body"]
    assert [n["incident_id"] for n in client.get("/api/v1/incident-notifications", headers=other.headers)
            .json()["notifications"]] == [theirs["id"]]
    assert client.get("/api/v1/incident-notifications", headers=bystander.headers).json()["notifications"] == []
    [delivery] = deliveries_of(runtime, tenant, "incident.notified")
    assert delivery["payload"]["data"]["window_start"].startswith("2030-01-01")
    assert deliveries_of(runtime, bystander, "incident.notified") == []
    # A tenant's key never reaches the operator's incident list, not even another tenant's incident.
    assert client.get(f"{BASE}/{theirs['id']}", headers=tenant.headers).status_code == 401
    assert "incident.tenant_notified" in [e["action"] for e in audit_events(runtime, tenant)]
    assert "incident.tenant_notified" not in [e["action"] for e in audit_events(runtime, bystander)]


def test_a_tenant_bound_transaction_reads_no_incident_row(
    client: TestClient, runtime: Runtime, operator_token: dict[str, str], tenant: TenantHandle
) -> None:
    from sqlalchemy import text

    _declare(client, operator_token, [tenant])
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert session.execute(text("select count(*) from incidents")).scalar_one() == 0
        assert session.execute(text("select count(*) from incident_entries")).scalar_one() == 0
