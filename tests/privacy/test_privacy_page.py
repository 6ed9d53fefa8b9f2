"""The staff app's privacy page: requests with their clocks, overdue ones flagged; readers only."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.privacy.data_map import ACTIVITIES, STORES
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant
from tests.web.forms import sign_in
from tests.web.members import add_member, owner_of


def _request(client: TestClient, tenant: TenantHandle, kind: str) -> str:
    contact = client.post("/api/v1/contacts", json={"email": f"p-{uuid.uuid4().hex[:8]}@example.com"},
                          headers=tenant.headers).json()["id"]
    response = client.post("/api/v1/privacy/requests", json={"kind": kind, "contact_id": contact},
                           headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_requests_are_shown_with_their_deadlines(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    fresh = _request(client, tenant, "access")
    late = _request(client, tenant, "erasure")
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("update privacy_requests set received_at = now() - interval '40 days', "
                             "clock_started_at = now() - interval '40 days', due_at = now() - interval '10 days' "
                             "where id = :id"), {"id": late})
    sign_in(client, owner_of(tenant))
    page = client.get("/privacy")
    assert page.status_code == 200, page.text
    assert f'data-request="{fresh}"' in page.text
    assert "29 days left" in page.text
    assert "overdue by 10 days" in page.text
    assert "conversation_days" in page.text
    assert 'href="/privacy"' in page.text


def test_agents_may_not_open_it_and_other_businesses_see_nothing(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    ours = _request(client, tenant, "access")
    agent = add_member(client, tenant, "agent")
    sign_in(client, agent)
    assert client.get("/privacy").status_code == 403
    client.cookies.clear()
    other = make_tenant(runtime)
    sign_in(client, owner_of(other))
    page = client.get("/privacy")
    assert page.status_code == 200
    assert ours not in page.text
    assert "No requests yet." in page.text


def test_the_record_of_processing_is_a_page_generated_from_the_map(client: TestClient, runtime: Runtime,
                                                                     tenant: TenantHandle) -> None:
    sign_in(client, owner_of(tenant))
    assert 'href="/privacy/record"' in client.get("/privacy").text
    page = client.get("/privacy/record")
    assert page.status_code == 200
    for activity in ACTIVITIES:
        assert f'data-activity="{activity.value}"' in page.text
    for store in STORES:
        if store.personal:
            assert f'data-store="{store.table}"' in page.text
    client.cookies.clear()
    agent = add_member(client, tenant, "agent")
    sign_in(client, agent)
    assert client.get("/privacy/record").status_code == 403
