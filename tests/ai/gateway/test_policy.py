"""The tenant's model policy decides whether a provider that may retain data is used at all (P4)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.ai.gateway import (
    ChatMessage,
    ChatRequest,
    ModelGateway,
    ModelRefused,
    ModelSettings,
    TenantModelPolicy,
    build_gateway,
    load_policy,
)
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.ai.gateway.conftest import set_accept_retention
from tests.ai.gateway.model_servers import StubModelServer
from tests.conftest import TenantHandle, audit_events

REQUEST = ChatRequest(
    messages=(ChatMessage("system", "You answer for Bella Hair Studio."), ChatMessage("user", "When are you open?")),
    data_categories=frozenset({"customer_message"}),
)


def openai_gateway(stub: StubModelServer, *, no_training: bool) -> ModelGateway:
    gateway = build_gateway(
        ModelSettings(provider="openai", base_url=f"{stub.base_url}/v1", model="stub", no_training=no_training)
    )
    assert gateway is not None
    return gateway


def test_a_provider_that_may_retain_data_is_refused_and_nothing_is_sent(stub_server: StubModelServer) -> None:
    gateway = openai_gateway(stub_server, no_training=False)

    with pytest.raises(ModelRefused) as refused:
        gateway.complete(TenantModelPolicy(accept_retention=False), REQUEST)

    assert stub_server.connections == 0
    assert stub_server.requests == []
    receipt = refused.value.receipt
    assert receipt.outcome == "refused"
    assert receipt.storage is True
    assert (receipt.prompt_tokens, receipt.completion_tokens) == (0, 0)
    assert receipt.error is not None
    assert "retain" in receipt.error


def test_a_tenant_that_accepts_retention_may_use_such_a_provider(stub_server: StubModelServer) -> None:
    gateway = openai_gateway(stub_server, no_training=False)

    result = gateway.complete(TenantModelPolicy(accept_retention=True), REQUEST)

    assert stub_server.connections == 1
    assert result.receipt.outcome == "ok"
    assert result.receipt.storage is True


def test_a_provider_the_operator_declared_no_training_serves_every_tenant(stub_server: StubModelServer) -> None:
    gateway = openai_gateway(stub_server, no_training=True)

    result = gateway.complete(TenantModelPolicy(accept_retention=False), REQUEST)

    assert stub_server.connections == 1
    assert result.receipt.storage is False


def test_the_policy_is_the_bound_tenants_setting_and_defaults_to_refusing_retention(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert load_policy(session) == TenantModelPolicy(accept_retention=False)

    set_accept_retention(runtime, tenant, True)

    with tenant_transaction(runtime.database, tenant.id) as session:
        assert load_policy(session) == TenantModelPolicy(accept_retention=True)
    with tenant_transaction(runtime.database, other_tenant.id) as session:
        assert load_policy(session) == TenantModelPolicy(accept_retention=False)


def test_a_session_bound_to_no_tenant_gets_the_strict_policy(runtime: Runtime, tenant: TenantHandle) -> None:
    set_accept_retention(runtime, tenant, True)
    with runtime.database.transaction() as session:
        assert session.execute(text("select current_setting('engium.tenant_id', true)")).scalar() in (None, "")
        assert load_policy(session) == TenantModelPolicy(accept_retention=False)


def test_an_owner_accepts_retention_through_the_settings_api_and_the_change_is_audited(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    assert client.get("/api/v1/settings", headers=tenant.headers).json()["ai_accept_retention"] is False

    accepted = client.patch("/api/v1/settings", json={"ai_accept_retention": True}, headers=tenant.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["ai_accept_retention"] is True
    # null keeps the current value, as for the other non-nullable settings
    kept = client.patch("/api/v1/settings", json={"ai_accept_retention": None}, headers=tenant.headers)
    assert kept.json()["ai_accept_retention"] is True

    with tenant_transaction(runtime.database, tenant.id) as session:
        assert load_policy(session).accept_retention is True
    updates = [e for e in audit_events(runtime, tenant) if e["action"] == "setting.updated"]
    assert updates[0]["details"] == {"fields": ["ai_accept_retention"], "ai_accept_retention": True}
    assert updates[0]["actor_kind"] == "api_key"
