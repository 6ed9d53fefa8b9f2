"""Every operation in the OpenAPI document, driven by another tenant against a victim's real ids.

New routes are covered automatically: the operations come from the live OpenAPI document and the
requests from its schemas.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy import text

from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant
from tests.tenancy.catalog_queries import tenant_tables, victim_ids
from tests.tenancy.fixtures import populated_tenant
from tests.tenancy.openapi_strategies import GeneratedRequest, SchemaStrategies

# Sign-in is unauthenticated by design; its isolation is tested in tests/identity.
UNAUTHENTICATED = {
    ("post", "/api/v1/auth/login"),
    # Provider webhooks authenticate by signature and the widget by its key and conversation token, not
    # by the API's credentials; their isolation is tested in tests/channels.
    ("post", "/webhooks/twilio/{tenant_public_id}/sms"),
    ("post", "/webhooks/twilio/{tenant_public_id}/status"),
    ("get", "/webhooks/whatsapp/{tenant_public_id}"),
    ("post", "/webhooks/whatsapp/{tenant_public_id}"),
    ("post", "/webhooks/events/{tenant_public_id}"),
    ("post", "/webhooks/email/{channel_id}"),
    # A widget route that names a resource: the key, the token and its visitor decide, before RLS does
    # (another tenant's or another visitor's challenge is 404: tests/widget/test_data_requests.py).
    ("post", "/widget/v1/privacy/requests/{challenge_id}/confirm"),
    # A calendar app's subscription: the feed's token is the credential, and it names its tenant
    # (tests/calendars/test_feeds.py: unknown, revoked and other tenants' tokens are 404).
    ("get", "/calendar/{token}.ics"),
    # The operator's incident API takes the operator token, never a tenant's credentials (a tenant's key
    # gets 401); an incident may span tenants. tests/incidents checks its credential and what tenants see.
    *((method, f"/api/v1/operator/incidents{suffix}") for method, suffix in (
        ("get", ""), ("post", ""), ("get", "/{incident_id}"), ("patch", "/{incident_id}"),
        ("post", "/{incident_id}/timeline"), ("post", "/{incident_id}/status"),
        ("post", "/{incident_id}/notifications"))),
}
# Ends the caller's own session only; harmless, but would log out nothing useful here.
SKIPPED = {("post", "/api/v1/auth/logout")}


def snapshot(database: Database, tenant_id: uuid.UUID) -> dict[str, list[Any]]:
    with tenant_transaction(database, tenant_id) as session:
        tables = [*tenant_tables(session.connection(), app_readable=True), "tenants"]
        return {
            t: sorted(str(tuple(r)) for r in session.execute(text(f"select * from {t}")).all())
            for t in tables
            if t not in {"api_keys", "sessions"}  # last_used/last_seen move as the victim works
        }


@pytest.fixture(scope="module")
def victim(runtime: Runtime) -> TenantHandle:
    return populated_tenant(runtime)


@pytest.fixture(scope="module")
def attacker(runtime: Runtime) -> TenantHandle:
    return make_tenant(runtime)


def operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get("/api/v1/openapi.json").json()
    found = []
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if (method, path) not in UNAUTHENTICATED | SKIPPED:
                found.append((method, path, operation))
    return found


def test_the_openapi_document_lists_the_api(client: TestClient) -> None:
    paths = {path for _, path, _ in operations(client)}
    assert {"/api/v1/api-keys", "/api/v1/members", "/api/v1/settings"} <= paths
    assert len(paths) >= 10


def attack_probe(
    client: TestClient,
    attacker: TenantHandle,
    strategies: SchemaStrategies,
    secrets_of_victim: set[str],
    method: str,
    path: str,
    operation: dict[str, Any],
) -> Callable[[], None]:
    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(strategies.request(path, operation))
    def probe(request: GeneratedRequest) -> None:
        response = client.request(
            method.upper(),
            request.path,
            params=request.query,
            json=request.body,
            headers=attacker.headers,
        )
        where = f"{method.upper()} {request.path} {request.query} {request.body!r}"
        assert response.status_code < 500, f"{where} -> {response.status_code} {response.text}"
        if request.targets_victim:
            assert response.status_code in {404, 422}, f"{where} -> {response.status_code} {response.text}"
        sent = f"{request.path} {request.query} {request.body!r}"
        referenced = [s for s in secrets_of_victim if s in repr(request.body)]
        if referenced:
            assert response.status_code >= 400, f"{where} accepted a reference to another tenant: {response.text}"
        # Echoing the caller's own input back is not a leak; anything else of the victim's is.
        leaked = [s for s in secrets_of_victim if s in response.text and s not in sent]
        assert not leaked, f"{where} leaked {leaked}"

    return probe


def test_every_operation_refuses_another_tenants_resources(
    client: TestClient, database: Database, victim: TenantHandle, attacker: TenantHandle
) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    ids = victim_ids(database, victim.id)
    secrets_of_victim = {str(i) for values in ids.values() for i in values} | {str(victim.id), victim.name}
    strategies = SchemaStrategies(spec, ids)
    before = snapshot(database, victim.id)
    failures: list[str] = []

    for method, path, operation in operations(client):
        probe = attack_probe(client, attacker, strategies, secrets_of_victim, method, path, operation)
        try:
            probe()
        except AssertionError as exc:
            failures.append(f"{method.upper()} {path}: {exc}")

    assert failures == []
    assert snapshot(database, victim.id) == before
