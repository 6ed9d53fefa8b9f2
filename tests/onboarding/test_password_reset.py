"""Password reset by e-mail, through the app and a real SMTP server: a single-use link that expires, sets
a password under the usual rules and signs the person out everywhere; asking never tells whether an
address has an account, and is limited per address and per client."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.kit.throttle import SlidingWindowLimiter
from engium.runtime import Runtime
from engium.tenancy.binding import bind_user
from engium.web.pages.password_reset import SENT
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.mail.conftest import SmtpServer, send_due, smtp_server  # noqa: F401
from tests.onboarding.mailbox import body_of, link_in, messages_to, path_of
from tests.web.forms import sign_in
from tests.web.members import Credentials, owner_of

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def fresh_limits(runtime: Runtime) -> None:
    """The limits as a fresh process has them: each test counts its own requests."""
    runtime.onboarding_by_address = SlidingWindowLimiter(3, 900)
    runtime.onboarding_by_client = SlidingWindowLimiter(10, 900)


@pytest.fixture
def mail(runtime: Runtime, smtp_server: SmtpServer,  # noqa: F811
         monkeypatch: pytest.MonkeyPatch) -> SmtpServer:
    monkeypatch.setattr(runtime.settings, "mail", smtp_server.settings())
    return smtp_server


def ask(client: TestClient, address: str) -> str:
    answer = client.post("/password-reset", data={"email": address})
    assert answer.status_code == 200, answer.text
    return answer.text


def emailed_link(runtime: Runtime, mail: SmtpServer, address: str) -> str:
    send_due(runtime, mail.settings())
    received = messages_to(mail, address)
    assert received, f"no e-mail to {address}"
    return path_of(link_in(received[-1]))


def choose(client: TestClient, link: str, password: str = NEW_PASSWORD, confirmation: str | None = None) -> Any:
    token = link.split("token=", 1)[1]
    return client.post("/password-reset/confirm", follow_redirects=False, data={
        "token": token, "password": password, "password_confirmation": confirmation or password})


def test_a_forgotten_password_is_reset_through_the_emailed_link(client: TestClient, runtime: Runtime,
                                                               mail: SmtpServer, tenant: TenantHandle) -> None:
    assert sign_in(client, owner_of(tenant)).status_code == 303
    assert client.get("/api/v1/me").status_code == 200
    page = ask(client, tenant.owner_email)
    assert SENT in page
    link = emailed_link(runtime, mail, tenant.owner_email)
    [message] = messages_to(mail, tenant.owner_email)
    assert message["Subject"] == "Reset your Engium password"
    assert "30 minutes" in body_of(message)
    form = client.get(link)
    assert form.status_code == 200
    assert "Choose a new password" in form.text
    done = choose(client, link)
    assert (done.status_code, done.headers["location"]) == (303, "/sign-in?done=reset")
    # Every session of the person ended: the one signed in before the reset is refused.
    assert client.get("/api/v1/me").status_code == 401
    client.cookies.clear()
    assert sign_in(client, owner_of(tenant)).status_code == 401  # the old password no longer works
    client.cookies.clear()
    assert sign_in(client, Credentials(tenant.owner_email, NEW_PASSWORD)).status_code == 303
    assert client.get("/api/v1/me").status_code == 200
    # Audited on the business's chain, ids only: never the address or the token.
    events = [e for e in audit_events(runtime, tenant) if e["action"].startswith("auth.password_reset")]
    assert [e["action"] for e in events] == ["auth.password_reset_requested", "auth.password_reset_completed"]
    assert events[1]["details"]["sessions_ended"] == 1
    token = link.split("token=", 1)[1]
    for event in audit_events(runtime, tenant):
        assert token not in str(event["details"])
        assert tenant.owner_email not in str(event["details"])
    # The e-mail's body (the link) is gone from the database once sent (ADR 0032).
    with runtime.database.transaction() as session:
        session.execute(text("select set_config('engium.tenant_id', :t, true)"), {"t": str(tenant.id)})
        bodies = session.execute(text("select body from outbound_mail")).scalars().all()
    assert bodies
    assert all(body == "" for body in bodies)


def test_the_link_works_once(client: TestClient, runtime: Runtime, mail: SmtpServer, tenant: TenantHandle) -> None:
    ask(client, tenant.owner_email)
    link = emailed_link(runtime, mail, tenant.owner_email)
    assert choose(client, link).status_code == 303
    again = choose(client, link, "yet another passphrase")
    assert again.status_code == 400
    assert "invalid, already used or expired" in again.text
    assert client.get(link).status_code == 400
    client.cookies.clear()
    assert sign_in(client, Credentials(tenant.owner_email, NEW_PASSWORD)).status_code == 303


def test_an_expired_link_is_refused(client: TestClient, runtime: Runtime, mail: SmtpServer,
                                    tenant: TenantHandle) -> None:
    ask(client, tenant.owner_email)
    link = emailed_link(runtime, mail, tenant.owner_email)
    with runtime.database.transaction() as session:
        bind_user(session, tenant.owner_user_id)
        session.execute(text("update password_resets set created_at = now() - interval '2 hours', "
                             "expires_at = now() - interval '90 minutes'"))
    assert client.get(link).status_code == 400
    assert choose(client, link).status_code == 400
    client.cookies.clear()
    assert sign_in(client, owner_of(tenant)).status_code == 303  # the old password still works


def test_a_link_sets_only_its_own_persons_password(client: TestClient, runtime: Runtime, mail: SmtpServer,
                                                   tenant: TenantHandle) -> None:
    other = make_tenant(runtime)
    ask(client, tenant.owner_email)
    link = emailed_link(runtime, mail, tenant.owner_email)
    # Whatever else the form carries, the token alone names the person.
    token = link.split("token=", 1)[1]
    client.post("/password-reset/confirm", data={"token": token, "password": NEW_PASSWORD,
                                                 "password_confirmation": NEW_PASSWORD,
                                                 "email": other.owner_email, "user_id": str(other.owner_user_id)})
    client.cookies.clear()
    assert sign_in(client, owner_of(other)).status_code == 303
    client.cookies.clear()
    assert sign_in(client, Credentials(tenant.owner_email, NEW_PASSWORD)).status_code == 303
    # A guessed or forged token opens nothing.
    for forged in ("", "A" * 43, token[:-1] + ("B" if token[-1] != "B" else "C"), "x" * 500):
        refused = client.post("/password-reset/confirm", data={"token": forged, "password": NEW_PASSWORD,
                                                               "password_confirmation": NEW_PASSWORD})
        assert refused.status_code == 400


def test_a_newer_link_replaces_the_older_one(client: TestClient, runtime: Runtime, mail: SmtpServer,
                                             tenant: TenantHandle) -> None:
    ask(client, tenant.owner_email)
    first = emailed_link(runtime, mail, tenant.owner_email)
    ask(client, tenant.owner_email)
    second = emailed_link(runtime, mail, tenant.owner_email)
    assert first != second
    assert client.get(first).status_code == 400
    assert choose(client, second).status_code == 303


def test_the_password_rules_apply_and_a_refused_password_keeps_the_link(
    client: TestClient, runtime: Runtime, mail: SmtpServer, tenant: TenantHandle,
) -> None:
    ask(client, tenant.owner_email)
    link = emailed_link(runtime, mail, tenant.owner_email)
    short = choose(client, link, "too short")
    assert short.status_code == 400
    assert "at least 12 characters" in short.text
    mismatch = choose(client, link, NEW_PASSWORD, "something different")
    assert mismatch.status_code == 400
    assert "do not match" in mismatch.text
    assert choose(client, link).status_code == 303


def test_an_unknown_address_gets_the_same_answer_in_about_the_same_time(
    client: TestClient, runtime: Runtime, mail: SmtpServer, tenant: TenantHandle,
) -> None:
    # The process's first reset request pays once for what every later one reuses (not per business, not
    # per address): another business's owner asks first.
    ask(client, make_tenant(runtime).owner_email)
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    pages = {}
    for round_ in range(2):
        for name, address in (("known", tenant.owner_email), ("unknown", f"nobody-{round_}@example.com")):
            started = time.monotonic()
            pages[name] = ask(client, address)
            timings[name].append(time.monotonic() - started)
    assert pages["known"] == pages["unknown"]
    for known, unknown in zip(timings["known"], timings["unknown"], strict=True):
        assert abs(known - unknown) < 0.25, timings
    send_due(runtime, mail.settings())
    assert messages_to(mail, "nobody-0@example.com") == messages_to(mail, "nobody-1@example.com") == []
    assert len(messages_to(mail, tenant.owner_email)) == 2


def test_requests_are_limited_per_address_and_per_client(client: TestClient, runtime: Runtime, mail: SmtpServer,
                                                         tenant: TenantHandle) -> None:
    for _ in range(3):
        ask(client, tenant.owner_email)
    limited = client.post("/password-reset", data={"email": tenant.owner_email.upper()})
    assert limited.status_code == 429
    assert "this e-mail address" in limited.text
    # The same limit for an address with no account: the 429 tells nothing either.
    for _ in range(3):
        ask(client, "ghost@example.com")
    assert client.post("/password-reset", data={"email": "ghost@example.com"}).status_code == 429
    for n in range(2):
        ask(client, f"spray-{n}@example.com")
    sprayed = client.post("/password-reset", data={"email": "spray-99@example.com"})
    assert sprayed.status_code == 429
    assert "from this address" in sprayed.text


def test_without_an_smtp_server_reset_is_refused_for_everyone_alike(client: TestClient, runtime: Runtime,
                                                                   tenant: TenantHandle) -> None:
    assert not runtime.settings.mail.enabled
    known = client.post("/password-reset", data={"email": tenant.owner_email})
    unknown = client.post("/password-reset", data={"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 422
    assert "no e-mail sender configured" in known.text


def test_the_sign_in_page_offers_the_reset(client: TestClient) -> None:
    assert 'href="/password-reset"' in client.get("/sign-in").text


def test_old_links_are_purged_by_the_retention_job(client: TestClient, runtime: Runtime, mail: SmtpServer,
                                                   tenant: TenantHandle) -> None:
    from engium.privacy.retention import purge_onboarding

    ask(client, tenant.owner_email)
    ask(client, tenant.owner_email)  # supersedes the first
    with runtime.database.transaction() as session:
        bind_user(session, tenant.owner_user_id)
        session.execute(text("update password_resets set created_at = now() - interval '9 days', "
                             "expires_at = now() - interval '8 days' where used_at is not null"))
    resets, _ = purge_onboarding(runtime.database)
    assert resets >= 1
    with runtime.database.transaction() as session:
        bind_user(session, tenant.owner_user_id)
        left = session.execute(text("select used_at is null from password_resets")).scalars().all()
    assert left == [True]  # the open link stays
