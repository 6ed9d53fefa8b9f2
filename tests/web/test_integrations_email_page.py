"""Integrations, E-mail tab: an owner connects an inbound e-mail channel and an SMTP sender from the staff app.
The signing key and the password are write-only, a sender on a private address is refused with the reason,
and a member without the permission sees nothing and changes nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events
from tests.web.forms import page_token, sign_in
from tests.web.members import add_member, owner_of

PAGE = "/integrations/email"
SIGNING_KEY = "key-7f3a9c2e5b1d4f60"
PASSWORD = "smtp-secret-81c2"


def test_an_owner_connects_an_inbound_address_and_never_sees_the_key_again(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    assert sign_in(client, owner_of(tenant)).status_code == 303
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "No inbound e-mail channel yet" in page.text
    added = client.post(f"{PAGE}/channels", follow_redirects=False,
                        data={"csrf_token": page_token(client, PAGE), "address": "hello@salon.example",
                              "signing_key": SIGNING_KEY})
    assert (added.status_code, added.headers["location"]) == (303, f"{PAGE}?done=channel")
    listed = client.get(PAGE).text
    assert "hello@salon.example" in listed
    assert "/webhooks/email/" in listed
    assert SIGNING_KEY not in listed
    [channel] = client.get("/api/v1/email-channels", headers=tenant.headers).json()
    assert channel["address"] == "hello@salon.example"
    removed = client.post(f"{PAGE}/channels/{channel['id']}/delete", follow_redirects=False,
                          data={"csrf_token": page_token(client, PAGE)})
    assert removed.status_code == 303
    assert client.get("/api/v1/email-channels", headers=tenant.headers).json() == []
    actions = [e["action"] for e in audit_events(runtime, tenant) if e["action"].startswith("email_channel.")]
    assert actions == ["email_channel.created", "email_channel.deleted"]


def test_a_sender_on_a_private_address_is_refused_with_the_reason_and_the_password_is_not_echoed(
    client: TestClient, tenant: TenantHandle
) -> None:
    assert sign_in(client, owner_of(tenant)).status_code == 303
    refused = client.post(f"{PAGE}/sender", data={
        "csrf_token": page_token(client, PAGE), "host": "169.254.169.254", "port": "587", "security": "starttls",
        "username": "salon", "password": PASSWORD, "from_address": "Salon <hi@salon.example>"})
    assert refused.status_code == 422
    assert "link-local" in refused.text
    assert PASSWORD not in refused.text
    assert 'value="169.254.169.254"' in refused.text  # the form keeps what was typed, but the password
    assert client.get("/api/v1/mail-sender", headers=tenant.headers).status_code == 404


def test_a_member_without_the_permission_is_refused(client: TestClient, tenant: TenantHandle) -> None:
    agent = add_member(client, tenant, "agent")
    assert sign_in(client, agent).status_code == 303
    assert client.get(PAGE).status_code == 403
    token = page_token(client)
    forged = client.post(f"{PAGE}/channels", data={"csrf_token": token, "address": "x@salon.example",
                                                    "signing_key": SIGNING_KEY})
    assert forged.status_code == 403
    assert client.get("/api/v1/email-channels", headers=tenant.headers).json() == []
