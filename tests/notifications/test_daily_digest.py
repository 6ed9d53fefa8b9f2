"""The daily digest: after 08:00 in the business's time zone, one e-mail a day to each member who asked for
it, counting the last 24 hours' notifications; nothing for a member who did not ask, nothing on a quiet
day, never twice on one day however often the hourly job runs."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from engium.notifications.digest import send_digests
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events
from tests.mail.conftest import SmtpServer
from tests.notifications.conftest import (
    escalated_conversation,
    received,
    send_notification_mail,
    utc_now,
    zone_where_it_is,
)
from tests.web.members import add_member, owner_of


def run_digest(runtime: Runtime, mail_runtime: Runtime, tenant: TenantHandle) -> int:
    settings = mail_runtime.settings
    with tenant_transaction(runtime.database, tenant.id) as session:
        return send_digests(session, tenant.id, utc_now(), mail=settings.mail, base_url=settings.resolved_public_url)


def subscribe_owner(client: TestClient, tenant: TenantHandle, signed_in: Any) -> None:
    owner = signed_in(owner_of(tenant))
    assert owner.patch("/api/v1/notifications/preferences", json={"daily_digest": True,
                                                                  "email_enabled": False}).status_code == 200


def test_a_member_who_asked_gets_one_digest_a_day_after_eight(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle,
    signed_in: Any,
) -> None:
    add_member(client, tenant, "agent")  # told in the app, never asked for a digest
    subscribe_owner(client, tenant, signed_in)
    first, second = escalated_conversation(client, tenant), escalated_conversation(client, tenant)
    assert client.patch("/api/v1/settings", headers=tenant.headers,
                        json={"timezone": zone_where_it_is(10, utc_now())}).status_code == 200

    assert run_digest(runtime, mail_runtime, tenant) == 1
    assert run_digest(runtime, mail_runtime, tenant) == 0, "once a day, however often the job runs"
    send_notification_mail(mail_runtime)
    ((recipients, subject, body),) = received(smtp_server)
    assert recipients == [tenant.owner_email]
    assert subject.endswith("your daily summary")
    assert "A conversation was handed to a person: 2" in body
    assert f"/conversations/{first}" in body
    assert f"/conversations/{second}" in body
    assert "Grace" not in body
    sent = [e for e in audit_events(runtime, tenant) if e["action"] == "notification.digest_sent"]
    assert len(sent) == 1
    assert sent[0]["details"]["notifications"] == 2


def test_no_digest_before_eight_in_the_business_time_zone(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, tenant: TenantHandle, signed_in: Any
) -> None:
    subscribe_owner(client, tenant, signed_in)
    escalated_conversation(client, tenant)
    assert client.patch("/api/v1/settings", headers=tenant.headers,
                        json={"timezone": zone_where_it_is(5, utc_now())}).status_code == 200
    assert run_digest(runtime, mail_runtime, tenant) == 0


def test_a_quiet_day_sends_nothing(
    client: TestClient, runtime: Runtime, mail_runtime: Runtime, smtp_server: SmtpServer, tenant: TenantHandle,
    signed_in: Any,
) -> None:
    subscribe_owner(client, tenant, signed_in)
    assert client.patch("/api/v1/settings", headers=tenant.headers,
                        json={"timezone": zone_where_it_is(10, utc_now())}).status_code == 200
    assert run_digest(runtime, mail_runtime, tenant) == 0
    send_notification_mail(mail_runtime)
    assert received(smtp_server) == []
