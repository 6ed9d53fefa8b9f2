"""GET /api/v1/audit-events: owners and auditors read their own tenant's log, filtered and paginated."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.conftest import TenantHandle, bearer, make_api_key


def test_owners_and_auditors_can_read_the_log_and_agents_cannot(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    auditor = bearer(make_api_key(runtime, tenant, Role.AUDITOR))
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    admin = bearer(make_api_key(runtime, tenant, Role.ADMIN))
    assert client.get("/api/v1/audit-events", headers=tenant.headers).status_code == 200
    assert client.get("/api/v1/audit-events", headers=auditor).status_code == 200
    assert client.get("/api/v1/audit-events", headers=agent).status_code == 403
    assert client.get("/api/v1/audit-events", headers=admin).status_code == 403


def test_the_log_shows_the_tenants_history_newest_first_with_hashes(
    client: TestClient, tenant: TenantHandle
) -> None:
    client.patch("/api/v1/settings", json={"phone": "+4420"}, headers=tenant.headers)
    items = client.get("/api/v1/audit-events", headers=tenant.headers).json()["items"]
    assert items[0]["action"] == "setting.updated"
    assert items[0]["details"] == {"fields": ["phone"]}
    assert items[-1]["action"] == "tenant.created"
    assert [i["seq"] for i in items] == sorted((i["seq"] for i in items), reverse=True)
    # Each event links to the previous one.
    for newer, older in itertools.pairwise(items):
        assert newer["prev_hash"] == older["hash"]
    assert items[-1]["prev_hash"] == "00" * 32


def test_filters_and_cursor_pagination(client: TestClient, tenant: TenantHandle) -> None:
    for n in range(5):
        client.post("/api/v1/api-keys", json={"name": f"k{n}", "role": "agent"}, headers=tenant.headers)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"action": "apikey.created", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/api/v1/audit-events", params=params, headers=tenant.headers).json()
        seen.extend(item["seq"] for item in page["items"])
        assert {item["action"] for item in page["items"]} <= {"apikey.created"}
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 6  # the test fixture's owner key and five more
    assert len(set(seen)) == 6
    assert client.get("/api/v1/audit-events", params={"cursor": "garbage"}, headers=tenant.headers).status_code == 400
    naive = client.get("/api/v1/audit-events", params={"since": "2026-01-01T00:00:00"}, headers=tenant.headers)
    assert naive.status_code == 422  # the document declares date-time, which has an offset


def test_another_tenant_sees_none_of_the_log(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    client.patch("/api/v1/settings", json={"phone": "+4420"}, headers=tenant.headers)
    mine = client.get("/api/v1/audit-events", headers=tenant.headers).json()["items"]
    theirs = client.get("/api/v1/audit-events", headers=other_tenant.headers).json()["items"]
    assert {i["tenant_id"] for i in theirs} == {str(other_tenant.id)}
    assert not {i["hash"] for i in mine} & {i["hash"] for i in theirs}


def test_the_export_endpoint_streams_a_verifiable_chain_and_is_itself_logged(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    from engium.audit.checkpoints import seal_with_settings
    from engium.audit.export import verify_export_lines

    client.patch("/api/v1/settings", json={"phone": "+4420"}, headers=tenant.headers)
    seal_with_settings(runtime.database, runtime.settings)
    response = client.get("/api/v1/audit-events/export", headers=tenant.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = response.text.splitlines(keepends=True)
    report = verify_export_lines(lines)
    assert report.findings == [], report.first
    assert report.events >= 3
    assert report.checkpoints >= 1
    exported = client.get("/api/v1/audit-events", params={"action": "audit.exported"}, headers=tenant.headers)
    assert len(exported.json()["items"]) == 1


def test_agents_cannot_export(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    assert client.get("/api/v1/audit-events/export", headers=agent).status_code == 403
