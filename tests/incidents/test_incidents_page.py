"""The staff app's incident notices: a business sees what it was told, and nothing of other businesses."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.conftest import TenantHandle, make_tenant
from tests.incidents.fixtures import add_incident_notification
from tests.web.forms import sign_in
from tests.web.members import add_member, owner_of


def test_a_business_sees_its_notices_and_only_its_own(client: TestClient, runtime: Runtime,
                                                       tenant: TenantHandle) -> None:
    ours = add_incident_notification(runtime, tenant.id)
    other = make_tenant(runtime)
    theirs = add_incident_notification(runtime, other.id)
    sign_in(client, owner_of(tenant))
    page = client.get("/privacy/incidents")
    assert page.status_code == 200, page.text
    assert f'data-incident="{ours}"' in page.text
    assert str(theirs) not in page.text
    assert "IP addresses and user agents" in page.text
    assert 'href="/privacy/incidents"' in client.get("/privacy").text


def test_agents_may_not_open_it_and_a_business_without_incidents_sees_none(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    add_incident_notification(runtime, tenant.id)
    agent = add_member(client, tenant, "agent")
    sign_in(client, agent)
    assert client.get("/privacy/incidents").status_code == 403
    client.cookies.clear()
    quiet = make_tenant(runtime)
    sign_in(client, owner_of(quiet))
    page = client.get("/privacy/incidents")
    assert page.status_code == 200
    assert "No incident has affected this business." in page.text
