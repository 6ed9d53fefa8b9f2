"""Self-service sign-up: off unless the operator turns it on; when on, a business exists only once its
owner follows the e-mailed link (single use, 24 hours), and its owner then chooses a password through the
invitation page. Requests are limited per address and per client, and audited."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from engium.audit.recorder import PLATFORM_TENANT
from engium.kit.throttle import SlidingWindowLimiter
from engium.runtime import Runtime
from tests.audit.conftest import superuser_engine  # noqa: F401
from tests.conftest import TenantHandle
from tests.mail.conftest import SmtpServer, send_due, smtp_server  # noqa: F401
from tests.onboarding.mailbox import body_of, link_in, messages_to, path_of
from tests.web.forms import sign_in
from tests.web.members import Credentials, owner_of

OWNER_PASSWORD = "the new owner's passphrase"


@pytest.fixture(autouse=True)
def fresh_limits(runtime: Runtime) -> None:
    runtime.onboarding_by_address = SlidingWindowLimiter(3, 900)
    runtime.onboarding_by_client = SlidingWindowLimiter(10, 900)


@pytest.fixture
def open_signup(runtime: Runtime, smtp_server: SmtpServer,  # noqa: F811
                monkeypatch: pytest.MonkeyPatch) -> SmtpServer:
    monkeypatch.setattr(runtime.settings, "mail", smtp_server.settings())
    monkeypatch.setattr(runtime.settings, "signup_enabled", True)
    return smtp_server


def business_named(engine: Engine, name: str) -> list[tuple[uuid.UUID, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("select t.id, s.timezone from tenants t join tenant_settings s on s.tenant_id = t.id "
                                 "where t.name = :n"), {"n": name}).all()
    return [(r[0], r[1]) for r in rows]


def ask(client: TestClient, name: str, address: str, timezone: str = "Europe/Madrid") -> Any:
    return client.post("/sign-up", data={"business_name": name, "email": address, "timezone": timezone})


def verification_link(runtime: Runtime, mail: SmtpServer, address: str) -> str:
    send_due(runtime, mail.settings())
    [message] = messages_to(mail, address)
    assert "24 hours" in body_of(message)
    return path_of(link_in(message))


def test_sign_up_is_off_unless_the_operator_turns_it_on(client: TestClient, runtime: Runtime,
                                                       superuser_engine: Engine) -> None:  # noqa: F811
    assert runtime.settings.signup_enabled is False
    name = f"Sneaky {uuid.uuid4().hex[:6]}"
    for answer in (client.get("/sign-up"), ask(client, name, "sneaky@example.com"),
                   client.get("/sign-up/verify?token=" + "A" * 43),
                   client.post("/sign-up/verify", data={"token": "A" * 43})):
        assert answer.status_code == 404, answer.text
        assert "not offered on this server" in answer.text
    with superuser_engine.connect() as conn:
        assert conn.execute(text("select count(*) from signup_requests where business_name = :n"),
                            {"n": name}).scalar_one() == 0


def test_a_business_opens_only_once_its_owner_follows_the_link(
    client: TestClient, runtime: Runtime, open_signup: SmtpServer, superuser_engine: Engine,  # noqa: F811
) -> None:
    name, address = f"Salon {uuid.uuid4().hex[:6]}", f"owner-{uuid.uuid4().hex[:8]}@example.com"
    asked = ask(client, name, address)
    assert asked.status_code == 200
    assert "Check your e-mail" in asked.text
    link = verification_link(runtime, open_signup, address)
    assert business_named(superuser_engine, name) == []  # nothing before the address is verified
    page = client.get(link)
    assert page.status_code == 200
    assert f"Open {name}" in page.text
    assert business_named(superuser_engine, name) == []  # opening the link (a mail scanner) creates nothing
    token = link.split("token=", 1)[1]
    opened = client.post("/sign-up/verify", data={"token": token}, follow_redirects=False)
    assert opened.status_code == 303
    assert opened.headers["location"].startswith("/invitations/accept?token=")
    [(tenant_id, timezone)] = business_named(superuser_engine, name)
    assert timezone == "Europe/Madrid"
    invitation = client.get(opened.headers["location"])
    assert invitation.status_code == 200
    assert "owner" in invitation.text
    invitation_token = opened.headers["location"].split("token=", 1)[1]
    joined = client.post("/invitations/accept", follow_redirects=False, data={
        "token": invitation_token, "password": OWNER_PASSWORD, "password_confirmation": OWNER_PASSWORD,
        "display_name": "Marta"})
    assert joined.status_code == 303, joined.text
    assert sign_in(client, Credentials(address, OWNER_PASSWORD)).status_code == 303
    me = client.get("/api/v1/me").json()
    assert (me["tenant_id"], me["role"]) == (str(tenant_id), "owner")
    # The link is spent: a second click opens no second business.
    again = client.post("/sign-up/verify", data={"token": token})
    assert again.status_code == 400
    assert "invalid, already used or expired" in again.text
    assert len(business_named(superuser_engine, name)) == 1
    with superuser_engine.connect() as conn:
        platform = conn.execute(text("select action from audit_events where tenant_id = :p and "
                                     "action = 'signup.requested' and resource_type = 'signup_request'"),
                                {"p": PLATFORM_TENANT}).scalars().all()
        own = conn.execute(text("select action from audit_events where tenant_id = :t order by seq"),
                           {"t": tenant_id}).scalars().all()
        stored = conn.execute(text("select token_hash from signup_requests where email = :e"), {"e": address}).one()
    assert platform
    assert {"tenant.created", "signup.verified", "invitation.created"} <= set(own)
    assert token.encode() not in bytes(stored[0])  # only the hash is kept


def test_an_expired_or_forged_link_opens_nothing(client: TestClient, runtime: Runtime, open_signup: SmtpServer,
                                                superuser_engine: Engine) -> None:  # noqa: F811
    name, address = f"Late {uuid.uuid4().hex[:6]}", f"late-{uuid.uuid4().hex[:8]}@example.com"
    ask(client, name, address)
    link = verification_link(runtime, open_signup, address)
    with superuser_engine.begin() as conn:
        conn.execute(text("update signup_requests set created_at = now() - interval '2 days', "
                          "expires_at = now() - interval '1 day' where email = :e"), {"e": address})
    assert client.get(link).status_code == 400
    token = link.split("token=", 1)[1]
    for forged in (token, "A" * 43, "", "x" * 300):
        assert client.post("/sign-up/verify", data={"token": forged}).status_code == 400
    assert business_named(superuser_engine, name) == []


def test_sign_up_requests_are_checked_and_limited(client: TestClient, runtime: Runtime,
                                                  open_signup: SmtpServer) -> None:
    bad_zone = ask(client, "Shop", "shop@example.com", timezone="Mars/Olympus")
    assert bad_zone.status_code == 400
    assert "time zone" in bad_zone.text
    injected = ask(client, "Shop", "shop@example.com\r\nBcc: victim@example.com")
    assert injected.status_code in (400, 422)
    no_name = ask(client, "   ", "shop@example.com")
    assert no_name.status_code == 400
    address = f"eager-{uuid.uuid4().hex[:6]}@example.com"
    for _ in range(2):  # the bad time zone above counted for shop@, not for this address
        assert ask(client, "Eager", address).status_code == 200
    assert ask(client, "Eager", address).status_code == 200
    limited = ask(client, "Eager", address)
    assert limited.status_code == 429
    sprayed = [ask(client, "Spray", f"spray-{n}@example.com").status_code for n in range(8)]
    assert 429 in sprayed


def test_an_address_with_an_account_joins_with_that_account(client: TestClient, runtime: Runtime,
                                                           open_signup: SmtpServer, tenant: TenantHandle) -> None:
    name = f"Second shop {uuid.uuid4().hex[:6]}"
    ask(client, name, tenant.owner_email)
    link = verification_link(runtime, open_signup, tenant.owner_email)
    opened = client.post("/sign-up/verify", data={"token": link.split("token=", 1)[1]}, follow_redirects=False)
    invitation = client.get(opened.headers["location"])
    assert "already has an Engium account" in invitation.text
    joined = client.post("/invitations/accept", follow_redirects=False, data={
        "token": opened.headers["location"].split("token=", 1)[1], "password": owner_of(tenant).password})
    assert joined.status_code == 303, joined.text
    client.cookies.clear()
    choosing = sign_in(client, owner_of(tenant))  # the account now belongs to two businesses
    assert choosing.status_code == 400
    assert name in choosing.text
    assert tenant.name in choosing.text
