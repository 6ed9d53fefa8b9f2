"""Refused and failed requests leave denied/failed events although their transactions rolled back."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.kit.database import Database
from engium.runtime import Runtime
from tests.audit.request_events import events
from tests.conftest import CLIENT_IP, TenantHandle, bearer, make_api_key


def call(client: TestClient, method: str, path: str, headers: dict[str, str], **kwargs: Any) -> tuple[int, str]:
    request_id = uuid.uuid4().hex
    response = client.request(method, path, headers={**headers, "X-Request-Id": request_id}, **kwargs)
    return response.status_code, request_id


def test_a_permission_denial_is_recorded_in_the_callers_chain(
    client: TestClient, runtime: Runtime, database: Database, tenant: TenantHandle
) -> None:
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    status, request_id = call(client, "POST", "/api/v1/api-keys", agent, json={"name": "x", "role": "owner"})
    assert status == 403
    [event] = events(database, request_id)
    assert (event.tenant_id, event.actor_kind, event.action, event.outcome) == (
        tenant.id, "api_key", "request.denied", "denied"
    )
    assert event.resource_id == "/api/v1/api-keys"
    assert event.details == {"method": "POST", "status": 403}
    assert event.host == CLIENT_IP


def test_a_failed_mutation_leaves_only_a_failed_event(
    client: TestClient, database: Database, tenant: TenantHandle
) -> None:
    status, request_id = call(client, "PATCH", "/api/v1/settings", tenant.headers, json={"timezone": "Nowhere/X"})
    assert status == 422
    assert [(e.action, e.outcome) for e in events(database, request_id)] == [("request.failed", "failed")]


def test_a_cross_tenant_probe_is_recorded_as_denied_for_the_prober(
    client: TestClient, database: Database, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    created = client.post("/api/v1/contacts", json={"name": "Ann", "phone": "+15550001111"}, headers=tenant.headers)
    status, request_id = call(client, "GET", f"/api/v1/contacts/{created.json()['id']}", other_tenant.headers)
    assert status == 404
    [event] = events(database, request_id)
    assert (event.tenant_id, event.outcome) == (other_tenant.id, "denied")


def test_unauthenticated_requests_go_to_the_platform_chain(client: TestClient, database: Database) -> None:
    status, request_id = call(client, "GET", "/api/v1/contacts", {"Authorization": "Bearer egk_not-a-key"})
    assert status == 401
    [event] = events(database, request_id)
    assert event.tenant_id == uuid.UUID(int=0)
    assert (event.actor_kind, event.outcome) == ("anonymous", "denied")


def test_failed_sign_ins_are_recorded_with_the_user_but_without_the_password(
    client: TestClient, database: Database, tenant: TenantHandle
) -> None:
    secret = "definitely-wrong-password"
    status, request_id = call(
        client, "POST", "/api/v1/auth/login", {}, json={"email": tenant.owner_email, "password": secret}
    )
    assert status == 401
    recorded = events(database, request_id)
    assert {e.action for e in recorded} == {"auth.login_failed", "request.denied"}
    failed = next(e for e in recorded if e.action == "auth.login_failed")
    assert failed.resource_id == str(tenant.owner_user_id)
    assert secret not in str(recorded)
    assert tenant.owner_email not in str(recorded)


def test_a_successful_sign_in_is_attributed_to_the_user_in_the_tenant(
    client: TestClient, database: Database, tenant: TenantHandle
) -> None:
    from tests.conftest import OWNER_PASSWORD

    status, request_id = call(
        client, "POST", "/api/v1/auth/login", {}, json={"email": tenant.owner_email, "password": OWNER_PASSWORD}
    )
    assert status == 200
    [event] = events(database, request_id)
    assert (event.tenant_id, event.actor_kind, event.actor_id, event.action) == (
        tenant.id, "user", str(tenant.owner_user_id), "auth.login_succeeded"
    )


def test_a_successful_mutation_records_its_specific_event_once(
    client: TestClient, database: Database, tenant: TenantHandle
) -> None:
    status, request_id = call(client, "POST", "/api/v1/api-keys", tenant.headers, json={"name": "ci", "role": "agent"})
    assert status == 201
    recorded = events(database, request_id)
    assert [(e.action, e.outcome) for e in recorded] == [("apikey.created", "success")]
    assert "egk_" not in str(recorded[0].details.get("key", ""))
