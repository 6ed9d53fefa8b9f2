"""The staff app's Trust page: the register, objections, generating, reading and accepting the DPA."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from engium.trust import announcements
from engium.trust.settings import OperatorSubprocessor
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.trust.seeding import enable
from tests.web.forms import page_token, sign_in
from tests.web.members import add_member, owner_of


def test_the_owner_generates_reads_downloads_and_accepts_the_dpa(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    enable(client, tenant)
    sign_in(client, owner_of(tenant))
    page = client.get("/trust")
    assert page.status_code == 200, page.text
    assert 'data-subprocessor="Twilio Inc."' in page.text
    assert "No DPA generated yet." in page.text
    token = page_token(client, "/trust")
    generated = client.post("/trust/dpa", data={"csrf_token": token}, follow_redirects=False)
    assert generated.status_code == 303, generated.text
    assert generated.headers["location"] == "/trust/dpa/1/view?done=generated"
    view = client.get("/trust/dpa/1/view")
    assert "Annex III: sub-processors" in view.text
    assert "Twilio Inc. (tenant)" in view.text
    assert client.get("/trust/dpa/1/pdf").content.startswith(b"%PDF")
    accepted = client.post("/trust/dpa/1/accept", data={"csrf_token": token}, follow_redirects=False)
    assert accepted.status_code == 303
    assert "accepted" in client.get("/trust").text
    assert [e["action"] for e in audit_events(runtime, tenant)].count("dpa.accepted") == 1
    # Without the page's token the form is refused.
    assert client.post("/trust/dpa", data={}, follow_redirects=False).status_code == 403


def test_the_owner_objects_from_the_page_and_an_admin_cannot(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    with runtime.database.transaction() as session:
        row = announcements.announce(
            session, OperatorSubprocessor(name=f"Mailer {uuid4().hex[:6]}", purpose="E-mail", location="EU",
                                          data_categories=("contact_details",)),
            datetime.now(UTC).date() + timedelta(days=31), notice_days=30, operator="ops")
    admin = add_member(client, tenant, "admin")
    sign_in(client, admin)
    token = page_token(client, "/trust")
    refused = client.post(f"/trust/announcements/{row.id}/object", data={"csrf_token": token, "reason": "no"},
                          follow_redirects=False)
    assert refused.status_code == 403
    client.cookies.clear()
    sign_in(client, owner_of(tenant))
    page = client.get("/trust")
    assert f'data-upcoming="{row.name}"' in page.text
    token = page_token(client, "/trust")
    done = client.post(f"/trust/announcements/{row.id}/object", data={"csrf_token": token, "reason": "EU only"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert "objected" in client.get("/trust").text


def test_agents_may_not_open_it_and_other_businesses_see_nothing(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    enable(client, tenant)
    assert client.post("/api/v1/trust/dpa", headers=tenant.headers).status_code == 201
    sign_in(client, add_member(client, tenant, "agent"))
    assert client.get("/trust").status_code == 403
    assert client.get("/trust/dpa/1/view").status_code == 403
    client.cookies.clear()
    sign_in(client, owner_of(make_tenant(runtime)))
    assert client.get("/trust/dpa/1/view").status_code == 404
    assert client.get("/trust/dpa/1/pdf").status_code == 404
    assert "Twilio Inc." not in client.get("/trust").text
