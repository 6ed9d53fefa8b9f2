"""Every mutating route leaves an audit event with actor, tenant, time and IP — whatever its outcome.

The routes come from the live OpenAPI document, so a new route is covered without touching this file.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Connection, text

from engium.access.permissions import Role
from engium.kit.database import Database
from engium.runtime import Runtime
from tests.conftest import CLIENT_IP, TenantHandle, make_api_key
from tests.tenancy.catalog_queries import victim_ids
from tests.tenancy.fixtures import populated_tenant
from tests.tenancy.openapi_strategies import GeneratedRequest, SchemaStrategies

MUTATING = {"post", "put", "patch", "delete"}
# Sign-in has no actor until it succeeds; tests/audit/test_refusals.py covers it.
UNATTRIBUTED = {
    ("post", "/api/v1/auth/login"),
    # Public channel endpoints have no API-key actor: a refusal is unattributed (platform chain), a
    # verified delivery is attributed to the webhook or widget visitor. tests/channels checks both.
    ("post", "/webhooks/twilio/{tenant_public_id}/sms"),
    ("post", "/webhooks/twilio/{tenant_public_id}/status"),
    ("post", "/webhooks/whatsapp/{tenant_public_id}"),
    ("post", "/webhooks/events/{tenant_public_id}"),
    ("post", "/webhooks/email/{channel_id}"),
    ("post", "/widget/v1/conversations"),
    ("post", "/widget/v1/messages"),
    ("put", "/widget/v1/contact"),
    ("post", "/widget/v1/rating"),
    ("post", "/widget/v1/contact/code"),
    ("post", "/widget/v1/contact/verify"),
    ("post", "/widget/v1/privacy/requests"),
    ("post", "/widget/v1/privacy/requests/{challenge_id}/confirm"),
    # Redeeming an invitation: the token is the credential, the actor is the person who accepts it
    # (tests/security/test_account_takeover.py checks invitation.accepted and member.added).
    ("post", "/api/v1/invitations/preview"),
    ("post", "/api/v1/invitations/accept"),
    # The operator's incident API: its credential is the operator token, not a tenant's; its events and
    # refusals go to the platform chain (an incident belongs to no one tenant). tests/incidents checks them.
    ("post", "/api/v1/operator/incidents"),
    ("patch", "/api/v1/operator/incidents/{incident_id}"),
    ("post", "/api/v1/operator/incidents/{incident_id}/timeline"),
    ("post", "/api/v1/operator/incidents/{incident_id}/status"),
    ("post", "/api/v1/operator/incidents/{incident_id}/notifications"),
}


def events_for(conn: Connection, request_id: str) -> list[Any]:
    conn.rollback()  # a fresh snapshot: the events were committed by other connections
    return list(
        conn.execute(
            text(
                "select tenant_id, actor_kind, actor_id, occurred_at, host(ip), action, outcome "
                "from audit_events where request_id = :r"
            ),
            {"r": request_id},
        )
    )


def mutation_probe(
    client: TestClient,
    tenant: TenantHandle,
    conn: Connection,
    strategies: SchemaStrategies,
    method: str,
    path: str,
    operation: dict[str, Any],
    outcomes: set[str],
) -> Callable[[], None]:
    @settings(
        max_examples=6,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(strategies.request(path, operation))
    def probe(request: GeneratedRequest) -> None:
        request_id = uuid.uuid4().hex
        response = client.request(
            method.upper(),
            request.path,
            params=request.query,
            json=request.body,
            headers={**tenant.headers, "X-Request-Id": request_id},
        )
        assert response.headers["X-Request-Id"] == request_id
        events = events_for(conn, request_id)
        where = f"{method.upper()} {request.path} -> {response.status_code}"
        assert events, f"{where} left no audit event"
        for tenant_id, actor_kind, actor_id, occurred_at, ip, _, outcome in events:
            assert tenant_id == tenant.id, where
            assert actor_kind == "api_key", where
            assert actor_id, where
            assert occurred_at is not None, where
            assert ip == CLIENT_IP, where
            outcomes.add(outcome)
        if response.status_code < 400:
            assert all(e.outcome == "success" for e in events), where
        else:
            assert {e.outcome for e in events} <= {"denied", "failed"}, where

    return probe


def test_every_mutating_route_is_audited_whatever_the_outcome(
    client: TestClient, runtime: Runtime, database: Database, owner_conn: Connection
) -> None:
    tenant = populated_tenant(runtime)
    spec = client.get("/api/v1/openapi.json").json()
    # The tenant's own ids this time: many generated requests succeed, others are refused.
    own_ids = victim_ids(database, tenant.id)
    # Keep the acting key out of reach (revoking it would end the test) but leave another to revoke.
    make_api_key(runtime, tenant, Role.AGENT)
    acting_key = uuid.UUID(client.get("/api/v1/me", headers=tenant.headers).json()["principal_id"])
    own_ids["api_keys"] = [i for i in victim_ids(database, tenant.id)["api_keys"] if i != acting_key]
    strategies = SchemaStrategies(spec, own_ids)
    outcomes: set[str] = set()
    routes = [
        (method, path, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
        if method in MUTATING and (method, path) not in UNATTRIBUTED
    ]
    assert len(routes) >= 20
    for method, path, operation in routes:
        mutation_probe(client, tenant, owner_conn, strategies, method, path, operation, outcomes)()
    assert {"success", "failed"} <= outcomes
