"""The subprocessor register follows the tenant's integrations in the same transaction, and is public."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text

from engium.audit.recorder import PLATFORM_TENANT
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.trust.settings import CATEGORIES
from tests.conftest import TenantHandle, audit_events
from tests.trust.seeding import enable, public_id, subscribe

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(client: TestClient, pid: str) -> ElementTree.Element:
    response = client.get(f"/trust/{pid}/subprocessors.atom")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    return ElementTree.fromstring(response.content)  # noqa: S314 - the feed under test is our own output


def _tenant(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tenant's own entries: operator announcements made by other tests are everyone's."""
    return [i for i in items if i["level"] == "tenant"]


def _titles(feed: ElementTree.Element) -> list[str]:
    return [str(e.findtext(f"{ATOM}title")) for e in feed.findall(f"{ATOM}entry")
            if not str(e.findtext(f"{ATOM}title")).startswith("Announced")
            and "Backups" not in str(e.findtext(f"{ATOM}title"))]


def test_enabling_twilio_shows_it_at_once_on_the_page_and_in_the_feed_and_disabling_removes_it(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    pid = public_id(runtime, tenant)
    page = client.get(f"/trust/{pid}/subprocessors")
    assert page.status_code == 200
    assert "Twilio" not in page.text
    assert "The operator of this Engium deployment" in page.text

    credential = enable(client, tenant)
    page = client.get(f"/trust/{pid}/subprocessors")
    assert 'data-subprocessor="Twilio Inc."' in page.text
    assert page.headers["cache-control"] == "no-store"
    feed = _feed(client, pid)
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    assert _titles(feed) == ["Added: Twilio Inc."]
    data = client.get(f"/trust/{pid}/subprocessors.json").json()
    twilio = next(e for e in data["current"] if e["name"] == "Twilio Inc.")
    assert twilio["level"] == "tenant"
    assert set(twilio["data_categories"]) == {"communications", "contact_details"}
    assert twilio["location"] == "United States"

    assert client.delete(f"/api/v1/integrations/{credential}", headers=tenant.headers).status_code == 204
    data = client.get(f"/trust/{pid}/subprocessors.json").json()
    assert "Twilio Inc." not in [e["name"] for e in data["current"]]
    assert [(h["change"], h["name"]) for h in _tenant(data["history"])] == [("removed", "Twilio Inc."),
                                                                    ("added", "Twilio Inc.")]
    assert _tenant(data["history"])[0]["at"] >= _tenant(data["history"])[1]["at"]
    assert _titles(_feed(client, pid)) == ["Removed: Twilio Inc.", "Added: Twilio Inc."]
    changes = [e for e in audit_events(runtime, tenant) if e["action"] == "subprocessor.register_changed"]
    assert [e["details"]["change"] for e in changes] == ["added", "removed"]


def test_a_second_credential_of_a_kind_adds_no_entry_and_the_last_one_removes_it(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    pid = public_id(runtime, tenant)
    first = enable(client, tenant)
    second = enable(client, tenant, {"kind": "twilio", "name": "backup", "metadata": {}})
    enable(client, tenant, {"kind": "widget", "name": "site", "metadata": {}})
    client.delete(f"/api/v1/integrations/{first}", headers=tenant.headers)
    data = client.get(f"/trust/{pid}/subprocessors.json").json()
    assert [h["change"] for h in _tenant(data["history"])] == ["added"]
    client.delete(f"/api/v1/integrations/{second}", headers=tenant.headers)
    data = client.get(f"/trust/{pid}/subprocessors.json").json()
    assert [h["change"] for h in _tenant(data["history"])] == ["removed", "added"]


def test_a_change_is_sent_as_a_signed_webhook_event_in_the_same_transaction(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    subscribe(runtime, tenant)
    enable(client, tenant)
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text("select event_type, payload from webhook_deliveries")).all()
    assert [r[0] for r in rows] == ["subprocessors.changed"]
    assert rows[0][1]["data"]["change"] == "added"
    assert rows[0][1]["data"]["subprocessor"] == "integration:twilio"


def test_a_refused_enable_leaves_the_register_unchanged(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    pid = public_id(runtime, tenant)
    enable(client, tenant)
    duplicate = client.post("/api/v1/integrations", json={"kind": "whatsapp", "name": "x", "secret": "s" * 20,
                                                          "metadata": {"token": "s" * 20}}, headers=tenant.headers)
    assert duplicate.status_code == 422
    names = [e["name"] for e in client.get(f"/trust/{pid}/subprocessors.json").json()["current"]]
    assert "Meta Platforms Ireland Ltd. (WhatsApp Cloud API)" not in names


def test_the_public_register_shows_one_tenant_only_and_nothing_internal(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    enable(client, other_tenant)
    data = client.get(f"/trust/{public_id(runtime, tenant)}/subprocessors.json").json()
    assert "Twilio Inc." not in [e["name"] for e in data["current"]]
    body = client.get(f"/trust/{public_id(runtime, other_tenant)}/subprocessors.json").text
    assert str(other_tenant.id) not in body
    assert "account_sid" not in body
    assert "default" not in body


def test_unknown_and_malformed_ids_answer_the_same_404(client: TestClient, runtime: Runtime) -> None:
    with tenant_transaction(runtime.database, PLATFORM_TENANT) as session:
        platform = session.execute(text("select public_id from tenants")).scalar() or "x" * 40
    for pid in ("nope-nope-no", platform, "%00", "a" * 40, "a.b", "00000000-0000-0000-0000-000000000000"):
        for suffix in ("", ".json", ".atom"):
            assert client.get(f"/trust/{pid}/subprocessors{suffix}").status_code == 404
    refused = client.get("/trust/nope-nope-no/subprocessors.json")
    assert refused.headers["content-type"] == "application/json"
    assert refused.json()["error"]["code"] == "not_found"


def test_the_public_register_is_rate_limited_per_source(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    pid = public_id(runtime, tenant)
    statuses = [client.get(f"/trust/{pid}/subprocessors.json").status_code for _ in range(62)]
    assert statuses[:60] == [200] * 60
    assert statuses[-1] == 429


def test_the_register_uses_the_data_map_categories() -> None:
    from engium.privacy.data_map import Category

    assert set(CATEGORIES) == {c.value for c in Category}


def test_deleting_a_tenant_takes_its_register_with_it(client: TestClient, runtime: Runtime) -> None:
    from engium.tenancy.service import delete_tenant
    from tests.conftest import make_tenant

    doomed = make_tenant(runtime)
    enable(client, doomed)
    with runtime.database.transaction() as session:
        delete_tenant(session, doomed.id)
    with tenant_transaction(runtime.database, doomed.id) as session:
        assert session.execute(text("select count(*) from subprocessor_changes")).scalar_one() == 0


def test_the_operator_declares_its_subprocessors_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from engium.config import Settings

    declared = [{"name": "Hetzner Online GmbH", "purpose": "Hosting", "location": "Germany",
                 "data_categories": ["communications", "identity", "communications"], "since": "2025-01-02"}]
    monkeypatch.setenv("ENGIUM_SUBPROCESSORS", json.dumps(declared))
    settings = Settings()
    assert [(s.name, s.data_categories, str(s.since)) for s in settings.subprocessors] == [
        ("Hetzner Online GmbH", ("communications", "identity"), "2025-01-02")]
    monkeypatch.setenv("ENGIUM_SUBPROCESSORS", json.dumps([{**declared[0], "data_categories": ["gossip"]}]))
    with pytest.raises(ValidationError, match="unknown data categories"):
        Settings()


def test_remote_model_endpoints_are_on_every_register_and_local_ones_are_not() -> None:
    from engium.trust.catalog import RemoteModels, model_processors

    local = RemoteModels("grounded", "", True, "local", "https://api.openai.com/v1")
    assert model_processors(local) == []
    remote = RemoteModels("openai", "https://llm.example.eu/v1", True, "openai", "https://emb.example.eu/v1")
    found = model_processors(remote)
    assert [p.location for p in found] == ["Host llm.example.eu", "Host emb.example.eu"]
    assert found[0].data_categories == ("communications",)
