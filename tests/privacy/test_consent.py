"""Consent records per contact and purpose, and Global Privacy Control from the widget."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import configured_tenant
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key


def _contact(client: TestClient, tenant: TenantHandle) -> str:
    response = client.post("/api/v1/contacts", json={"email": f"c-{uuid.uuid4().hex[:8]}@example.com"},
                           headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_decisions_are_kept_as_a_history_and_the_latest_is_in_force(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    contact = _contact(client, tenant)
    url = f"/api/v1/privacy/contacts/{contact}/consents"
    for granted in (True, False):
        response = client.post(url, json={"purpose": "marketing", "granted": granted, "channel": "sms",
                                          "wording_version": "marketing-sms-2026-01"}, headers=tenant.headers)
        assert response.status_code == 201, response.text
    body = client.get(url, headers=tenant.headers).json()
    assert body["in_force"] == {"marketing": False}
    assert [(c["granted"], c["source"], c["wording_version"]) for c in body["history"]] == [
        (True, "staff", "marketing-sms-2026-01"), (False, "staff", "marketing-sms-2026-01")]
    events = [e for e in audit_events(runtime, tenant) if e["action"] == "consent.recorded"]
    assert [e["details"]["granted"] for e in events] == [True, False]


def test_bad_input_other_tenants_and_lower_roles(client: TestClient, runtime: Runtime, tenant: TenantHandle,
                                                 other_tenant: TenantHandle) -> None:
    contact = _contact(client, tenant)
    url = f"/api/v1/privacy/contacts/{contact}/consents"
    good = {"purpose": "marketing", "granted": True, "wording_version": "v1"}
    for bad in ({**good, "purpose": "everything"}, {**good, "wording_version": ""}, {**good, "extra": 1},
                {"purpose": "marketing"}):
        assert client.post(url, json=bad, headers=tenant.headers).status_code == 422, bad
    assert client.get("/api/v1/privacy/contacts/not-a-uuid/consents", headers=tenant.headers).status_code == 422
    assert client.post(url, json=good, headers=other_tenant.headers).status_code == 404
    assert client.get(url, headers=other_tenant.headers).status_code == 404
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    assert client.post(url, json=good, headers=agent).status_code == 403
    assert client.get(url, headers=agent).status_code == 403
    assert client.get(url, headers=bearer(make_api_key(runtime, tenant, Role.AUDITOR))).status_code == 200
    assert client.get(url, headers=tenant.headers).json()["history"] == []


def test_a_browser_sending_gpc_is_recorded_as_opted_out_of_sale_or_sharing(
    client: TestClient, runtime: Runtime
) -> None:
    business = configured_tenant(client, runtime)
    with_gpc = client.post("/widget/v1/conversations", json={},
                           headers={"X-Widget-Key": business.widget_key, "Sec-GPC": "1"})
    assert with_gpc.status_code == 201, with_gpc.text
    without = client.post("/widget/v1/conversations", json={}, headers={"X-Widget-Key": business.widget_key})
    assert without.status_code == 201
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        rows = session.execute(text(
            "select c.purpose, c.granted, c.source, v.id from consents c "
            "join conversations v on v.contact_id = c.contact_id where c.purpose = 'sale_or_sharing'")).all()
    assert [(r[0], r[1], r[2], str(r[3])) for r in rows] == [
        ("sale_or_sharing", False, "gpc", with_gpc.json()["conversation_id"])]


def test_gpc_turned_on_mid_conversation_is_recorded_once(client: TestClient, runtime: Runtime) -> None:
    business = configured_tenant(client, runtime)
    started = client.post("/widget/v1/conversations", json={}, headers={"X-Widget-Key": business.widget_key})
    assert started.status_code == 201
    headers = {"X-Widget-Key": business.widget_key, "X-Widget-Token": started.json()["token"]}
    assert client.post("/widget/v1/messages", json={"body": "Hi"}, headers=headers).status_code == 201
    for _ in range(2):  # the visitor switched GPC on; every later write carries it
        sent = client.post("/widget/v1/messages", json={"body": "Are you open?"}, headers={**headers, "Sec-GPC": "1"})
        assert sent.status_code == 201, sent.text
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        rows = session.execute(text("select purpose, granted, source from consents order by recorded_at")).all()
    assert [tuple(r) for r in rows] == [("ai_processing_notice", True, "widget"), ("sale_or_sharing", False, "gpc")]


def test_the_widget_shows_the_ai_notice_and_each_visitor_is_recorded_as_shown_it(
    client: TestClient, runtime: Runtime
) -> None:
    business = configured_tenant(client, runtime)
    config = client.get("/widget/v1/config", headers={"X-Widget-Key": business.widget_key}).json()
    assert "AI assistant" in config["ai_notice"]
    assert "not used to train" in config["ai_notice"]
    started = client.post("/widget/v1/conversations", json={}, headers={"X-Widget-Key": business.widget_key})
    assert started.status_code == 201
    with tenant_transaction(runtime.database, business.tenant.id) as session:
        rows = session.execute(text(
            "select c.purpose, c.granted, c.channel, c.source, c.wording_version from consents c "
            "join conversations v on v.contact_id = c.contact_id where v.id = :v"),
            {"v": started.json()["conversation_id"]}).all()
    assert [tuple(r) for r in rows] == [("ai_processing_notice", True, "web", "widget", config["ai_notice_version"])]
