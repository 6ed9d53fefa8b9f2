"""A produced export is kept for 30 days, sealed under the person's key: downloadable again as JSON and
readable as a page, each read audited; gone with the person's erasure, and deleted by retention once it
expires. Other businesses and roles without privacy:manage cannot read it."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.privacy.retention import run_for_tenant
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key
from tests.web.forms import sign_in
from tests.web.members import owner_of

REQUESTS = "/api/v1/privacy/requests"


def _exported(client: TestClient, tenant: TenantHandle) -> tuple[str, str, dict[str, str]]:
    person = {"name": f"Odile Exportson{uuid.uuid4().hex[:6]}", "email": f"odile-{uuid.uuid4().hex[:8]}@example.com"}
    contact = client.post("/api/v1/contacts", json=person, headers=tenant.headers).json()["id"]
    assert client.post("/api/v1/conversations", headers=tenant.headers, json={
        "contact_id": contact, "channel": "web", "message": "Please move my colour appointment"}).status_code == 201
    request = client.post(REQUESTS, json={"kind": "export", "contact_id": contact}, headers=tenant.headers).json()["id"]
    produced = client.post(f"{REQUESTS}/{request}/export", headers=tenant.headers)
    assert produced.status_code == 200, produced.text
    return str(contact), str(request), person


def test_the_export_can_be_read_again_as_json_and_as_a_page(client: TestClient, runtime: Runtime,
                                                             tenant: TenantHandle) -> None:
    contact, request, person = _exported(client, tenant)
    again = client.get(f"{REQUESTS}/{request}/export", headers=tenant.headers)
    assert again.status_code == 200, again.text
    assert again.json()["contact_id"] == contact
    assert again.json()["data"]["contacts"][0]["name"] == person["name"]
    with tenant_transaction(runtime.database, tenant.id) as session:
        sealed = session.execute(text("select sealed from privacy_exports")).scalar_one()
    assert person["name"] not in sealed  # sealed, never in clear
    assert person["email"] not in sealed

    sign_in(client, owner_of(tenant))
    listing = client.get("/privacy").text
    assert f'href="/privacy/requests/{request}/export"' in listing
    page = client.get(f"/privacy/requests/{request}/export")
    assert page.status_code == 200
    assert person["name"] in page.text
    assert "Please move my colour appointment" in page.text
    assert f'href="/api/v1/privacy/requests/{request}/export"' in page.text
    downloads = [e for e in audit_events(runtime, tenant)
                 if e["action"] == "privacy.export_downloaded" and e["details"].get("kept")]
    assert len(downloads) == 2


def test_erasure_takes_the_kept_export_with_it(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    contact, request, _ = _exported(client, tenant)
    erasure = client.post(REQUESTS, json={"kind": "erasure", "contact_id": contact}, headers=tenant.headers).json()
    assert client.post(f"{REQUESTS}/{erasure['id']}/erase", headers=tenant.headers).status_code == 200
    assert client.get(f"{REQUESTS}/{request}/export", headers=tenant.headers).status_code == 404


def test_an_expired_export_is_refused_and_retention_deletes_it(client: TestClient, runtime: Runtime,
                                                                tenant: TenantHandle) -> None:
    _, request, _ = _exported(client, tenant)
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("update privacy_exports set expires_at = now() - interval '1 minute'"))
    answer = client.get(f"{REQUESTS}/{request}/export", headers=tenant.headers)
    assert answer.status_code == 404
    assert "expired" in answer.json()["error"]["message"]
    report = run_for_tenant(runtime.database, tenant.id)
    assert report.counts["privacy_exports"] == 1
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert session.execute(text("select count(*) from privacy_exports")).scalar_one() == 0


def test_only_this_business_with_privacy_manage_reads_it(client: TestClient, runtime: Runtime, tenant: TenantHandle,
                                                         other_tenant: TenantHandle) -> None:
    _, request, _ = _exported(client, tenant)
    assert client.get(f"{REQUESTS}/{request}/export", headers=other_tenant.headers).status_code == 404
    for role in (Role.AUDITOR, Role.AGENT):
        key = bearer(make_api_key(runtime, tenant, role))
        assert client.get(f"{REQUESTS}/{request}/export", headers=key).status_code == 403
