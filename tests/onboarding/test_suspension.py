"""The operator suspends a business from the console: every way in is refused with one clear message
(staff sign-in, sessions, API keys, the widget, inbound webhooks), nothing it queued is sent, other
businesses carry on, and unsuspending restores it all. Only the operator token opens these pages."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, text

from engium.audit.recorder import PLATFORM_TENANT
from engium.incidents.operator_auth import new_token
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks.settings import WebhookSettings
from tests.audit.conftest import superuser_engine  # noqa: F401
from tests.channels.inbound_helpers import configured_tenant
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.mail.conftest import SmtpServer, mail_row, queue, send_due, smtp_server  # noqa: F401
from tests.web.forms import sign_in
from tests.web.members import csrf_token, owner_of
from tests.webhooks.conftest import (  # noqa: F401
    Receiver,
    allow_local,
    book,
    create_endpoint,
    deliver_due,
    deliveries,
    receiver,
)

SUSPENDED = "This business is suspended by the operator of this Engium server"


def configure(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh operator token, its hash configured as the server's: returns the token."""
    token, digest = new_token()
    incidents = runtime.settings.incidents.model_copy(update={"operator_token_sha256": SecretStr(digest)})
    monkeypatch.setattr(runtime.settings, "incidents", incidents)
    return token


@pytest.fixture
def console(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A second browser, signed in to the operator console as "Dana"."""
    from engium.app import create_app

    token = configure(runtime, monkeypatch)
    with TestClient(create_app(runtime), client=("192.0.2.20", 50124)) as operator:
        signed = operator.post("/operator/sign-in", data={"token": token, "name": "Dana"}, follow_redirects=False)
        assert signed.status_code == 303
        yield operator


def console_csrf(console: TestClient) -> str:
    page = console.get("/operator/tenants")
    assert page.status_code == 200, page.text
    return csrf_token(page.text)


def suspend(console: TestClient, tenant: TenantHandle, reason: str = "Unpaid invoices since March") -> None:
    done = console.post(f"/operator/tenants/{tenant.id}/suspend", follow_redirects=False,
                        data={"csrf_token": console_csrf(console), "reason": reason})
    assert (done.status_code, done.headers["location"]) == (303, "/operator/tenants?done=suspended"), done.text


def unsuspend(console: TestClient, tenant: TenantHandle) -> None:
    done = console.post(f"/operator/tenants/{tenant.id}/unsuspend", follow_redirects=False,
                        data={"csrf_token": console_csrf(console)})
    assert done.status_code == 303, done.text


def test_a_suspended_business_is_refused_on_every_way_in_and_restored_after(
    client: TestClient, runtime: Runtime, console: TestClient, smtp_server: SmtpServer,  # noqa: F811
) -> None:
    channels = configured_tenant(client, runtime)
    tenant, bystander = channels.tenant, make_tenant(runtime)
    assert sign_in(client, owner_of(tenant)).status_code == 303  # a session from before the suspension
    widget = {"X-Widget-Key": channels.widget_key}
    settings = smtp_server.settings()
    queued = queue(runtime, tenant, settings)

    suspend(console, tenant)

    def refused(answer: Any) -> None:
        assert answer.status_code == 403, answer.text
        body = answer.json()
        assert body["error"]["code"] == "tenant_suspended"
        assert SUSPENDED in body["error"]["message"]

    refused(client.get("/api/v1/me"))  # the session cookie
    refused(client.get("/api/v1/me", headers=tenant.headers))  # the API key
    refused(client.get("/api/v1/contacts", headers=tenant.headers))  # a list read on the event loop
    refused(client.get("/api/v1/conversations"))  # the same, with the session cookie
    refused(client.post("/widget/v1/conversations", json={"message": "Hello?"}, headers=widget))
    refused(client.get("/widget/v1/config", headers=widget))
    refused(client.post(channels.twilio_path(), content=b"From=%2B15551234567&Body=hi",
                        headers={"Content-Type": "application/x-www-form-urlencoded"}))
    page = client.get("/inbox")
    assert page.status_code == 403
    assert SUSPENDED in page.text
    client.cookies.clear()
    signing_in = sign_in(client, owner_of(tenant))
    assert signing_in.status_code == 403
    assert SUSPENDED in signing_in.text
    # What it had queued is not sent, and says why.
    send_due(runtime, settings)
    assert smtp_server.collector.messages == []
    row = mail_row(runtime, tenant, queued)
    assert (row.status, row.last_error) == ("failed", "not sent: the business is suspended")
    # Another business carries on.
    assert client.get("/api/v1/me", headers=bystander.headers).status_code == 200
    # A wrong password still says nothing about the business (only the account's holder learns it).
    client.cookies.clear()
    wrong = sign_in(client, type(owner_of(tenant))(tenant.owner_email, "not the password at all"))
    assert wrong.status_code == 401
    assert SUSPENDED not in wrong.text

    unsuspend(console, tenant)
    assert client.get("/api/v1/me", headers=tenant.headers).status_code == 200
    assert client.get("/api/v1/contacts", headers=tenant.headers).status_code == 200
    assert client.post("/widget/v1/conversations", json={"message": "Hello?"}, headers=widget).status_code == 201
    client.cookies.clear()
    assert sign_in(client, owner_of(tenant)).status_code == 303
    again = queue(runtime, tenant, settings)
    send_due(runtime, settings)
    assert mail_row(runtime, tenant, again).status == "sent"

    actions = [e for e in audit_events(runtime, tenant) if e["action"] in ("tenant.suspended", "tenant.unsuspended")]
    assert [(e["action"], e["actor_kind"], e["actor_id"]) for e in actions] == [
        ("tenant.suspended", "operator", "console:Dana"), ("tenant.unsuspended", "operator", "console:Dana")]


def test_the_console_lists_every_business_with_its_usage(client: TestClient, runtime: Runtime,
                                                        console: TestClient) -> None:
    tenant = make_tenant(runtime, name=f"Usage {uuid.uuid4().hex[:6]}")
    with tenant_transaction(runtime.database, tenant.id) as session:
        for n in range(3):
            session.execute(text("insert into contacts (tenant_id, id, name) values (:t, :id, :n)"),
                            {"t": tenant.id, "id": uuid.uuid4(), "n": f"Customer {n}"})
    page = console.get("/operator/tenants")
    assert page.status_code == 200
    row = page.text.split(f'data-tenant="{tenant.id}"', 1)[1].split("</tr>", 1)[0]
    assert tenant.name in row
    assert "active" in row
    assert '<span data-count="members">1</span>' in row  # the owner
    assert '<span data-count="contacts">3</span>' in row


def test_only_the_operator_reaches_the_businesses_pages(client: TestClient, runtime: Runtime,
                                                       tenant: TenantHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    configure(runtime, monkeypatch)
    # Nobody signed in: sent to the operator's sign-in; a staff member's session is no operator either.
    assert client.get("/operator/tenants", follow_redirects=False).headers["location"] == "/operator/sign-in"
    assert sign_in(client, owner_of(tenant)).status_code == 303
    assert client.get("/operator/tenants", follow_redirects=False).status_code == 303
    staff_csrf = csrf_token(client.get("/account").text)
    for path in (f"/operator/tenants/{tenant.id}/suspend", f"/operator/tenants/{tenant.id}/delete"):
        forged = client.post(path, data={"csrf_token": staff_csrf, "reason": "x", "confirm_name": tenant.name},
                             follow_redirects=False)
        assert forged.status_code in (303, 401, 403)
    assert client.get("/api/v1/me", headers=tenant.headers).status_code == 200  # neither suspended nor deleted


def test_suspending_needs_a_reason_and_a_known_business(console: TestClient, tenant: TenantHandle) -> None:
    csrf = console_csrf(console)
    blank = console.post(f"/operator/tenants/{tenant.id}/suspend", data={"csrf_token": csrf, "reason": "  "})
    assert blank.status_code == 400
    assert "reason" in blank.text
    unknown = console.post(f"/operator/tenants/{uuid.uuid4()}/suspend", data={"csrf_token": csrf, "reason": "x"})
    assert unknown.status_code == 404
    platform = console.post(f"/operator/tenants/{PLATFORM_TENANT}/suspend", data={"csrf_token": csrf, "reason": "x"})
    assert platform.status_code == 404
    suspend(console, tenant)
    twice = console.post(f"/operator/tenants/{tenant.id}/suspend", data={"csrf_token": csrf, "reason": "again"})
    assert twice.status_code == 409


def test_deleting_a_business_needs_its_name_and_leaves_the_audit_trail(
    console: TestClient, runtime: Runtime, client: TestClient, superuser_engine: Engine,  # noqa: F811
) -> None:
    tenant = make_tenant(runtime, name=f"Doomed {uuid.uuid4().hex[:6]}")
    form = console.get(f"/operator/tenants/{tenant.id}/delete")
    assert form.status_code == 200
    assert "cannot be undone" in form.text
    csrf = csrf_token(form.text)
    wrong = console.post(f"/operator/tenants/{tenant.id}/delete", data={"csrf_token": csrf, "confirm_name": "Doomed"})
    assert wrong.status_code == 400
    assert "exactly" in wrong.text
    assert client.get("/api/v1/me", headers=tenant.headers).status_code == 200
    done = console.post(f"/operator/tenants/{tenant.id}/delete", follow_redirects=False,
                        data={"csrf_token": csrf, "confirm_name": tenant.name})
    assert (done.status_code, done.headers["location"]) == (303, "/operator/tenants?done=deleted")
    assert client.get("/api/v1/me", headers=tenant.headers).status_code == 401
    assert str(tenant.id) not in console.get("/operator/tenants").text
    with superuser_engine.connect() as conn:
        kept = conn.execute(text("select tenant_id, action, actor_id from audit_events where resource_id = :t "
                                 "and action = 'tenant.deleted' order by tenant_id"), {"t": str(tenant.id)}).all()
        data_keys = conn.execute(text("select count(*) from tenant_data_keys where tenant_id = :t"),
                                 {"t": tenant.id}).scalar_one()
    assert {(r[0], r[2]) for r in kept} == {(tenant.id, "console:Dana"), (PLATFORM_TENANT, "console:Dana")}
    assert data_keys == 0


def test_what_a_suspended_business_queued_is_neither_delivered_nor_answered(
    client: TestClient, runtime: Runtime, console: TestClient, receiver: Receiver,  # noqa: F811
    allow_local: WebhookSettings,  # noqa: F811
) -> None:
    channels = configured_tenant(client, runtime)
    tenant, widget = channels.tenant, {"X-Widget-Key": channels.widget_key}
    endpoint = create_endpoint(client, tenant, receiver.url)
    book(client, runtime, tenant)  # a booking.created delivery, queued
    opened = client.post("/widget/v1/conversations", json={"message": "Are you open on Sunday?"}, headers=widget)
    assert opened.status_code == 201, opened.text  # an assistant turn, queued
    token = opened.json()["token"]

    suspend(console, tenant)
    deliver_due(runtime, allow_local)

    assert receiver.requests == []
    unsuspend(console, tenant)
    [delivery] = deliveries(client, tenant, endpoint["id"])
    assert (delivery["status"], delivery["last_error"]) == ("dead", "business suspended")
    read = client.get("/widget/v1/messages", headers={**widget, "X-Widget-Token": token})
    assert [m["body"] for m in read.json()] == ["Are you open on Sunday?"]  # no reply was written
    skipped = [e for e in audit_events(runtime, tenant) if e["action"] == "assistant.skipped"]
    assert [e["details"].get("reason") for e in skipped] == ["tenant_suspended"]
