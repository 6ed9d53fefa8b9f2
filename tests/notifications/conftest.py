"""A business with staff in several roles, its conversations escalated through the API, and the real SMTP
server of tests/mail receiving what the ``notifications.email`` job queues."""

from __future__ import annotations

import email
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.app import create_app
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import CLIENT_IP, TenantHandle
from tests.job_queue import drain, runtime_with
from tests.mail import conftest as mail_fixtures
from tests.mail.conftest import SmtpServer
from tests.web.forms import sign_in
from tests.web.members import Credentials

smtp_server = mail_fixtures.smtp_server


@pytest.fixture
def mail_runtime(runtime: Runtime, smtp_server: SmtpServer) -> Runtime:
    return runtime_with(runtime, mail=smtp_server.settings())


def member_client(runtime: Runtime, who: Credentials) -> TestClient:
    """A browser-like client signed in as ``who``: session cookie, and the CSRF header the API wants."""
    client = TestClient(create_app(runtime), client=(CLIENT_IP, 50123))
    client.__enter__()
    signed = sign_in(client, who)
    assert signed.status_code == 303, signed.text
    client.headers["X-CSRF-Token"] = client.cookies["engium_csrf"]
    return client


@pytest.fixture
def signed_in(runtime: Runtime) -> Iterator[Any]:
    opened: list[TestClient] = []

    def open_for(who: Credentials) -> TestClient:
        client = member_client(runtime, who)
        opened.append(client)
        return client

    yield open_for
    for client in opened:
        client.__exit__(None, None, None)


def escalated_conversation(client: TestClient, tenant: TenantHandle, *, assignee: UUID | None = None) -> str:
    phone = f"+1500555{secrets.randbelow(10_000):04d}"
    contact = client.post("/api/v1/contacts", json={"name": "Grace Hopper", "phone": phone},
                          headers=tenant.headers)
    assert contact.status_code == 201, contact.text
    conversation = client.post("/api/v1/conversations", json={"contact_id": contact.json()["id"], "channel": "sms"},
                               headers=tenant.headers)
    assert conversation.status_code == 201, conversation.text
    conversation_id = str(conversation.json()["id"])
    if assignee is not None:
        assigned = client.post(f"/api/v1/conversations/{conversation_id}/assign", json={"user_id": str(assignee)},
                               headers=tenant.headers)
        assert assigned.status_code == 200, assigned.text
    escalated = client.post(f"/api/v1/conversations/{conversation_id}/escalate",
                            json={"reason": "Grace asked about a refund"}, headers=tenant.headers)
    assert escalated.status_code == 200, escalated.text
    return conversation_id


def notification_rows(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(text(
            "select n.id, n.user_id, n.kind, n.conversation_id, n.booking_id, n.email_state, n.email_id, n.read_at "
            "from staff_notifications n order by n.created_at, n.user_id")).mappings().all()
    return [dict(row) for row in rows]


def member_id(runtime: Runtime, tenant: TenantHandle, email: str) -> UUID:
    with tenant_transaction(runtime.database, tenant.id) as session:
        found = session.execute(text("select u.id from users u join memberships m on m.user_id = u.id "
                                     "where u.email_normalized = lower(:email)"), {"email": email}).scalar_one()
    return UUID(str(found))


def send_notification_mail(runtime: Runtime) -> None:
    """Runs the real worker twice: the notifications.email jobs queue e-mails, whose mail.send jobs send them."""
    drain(runtime)
    drain(runtime)


def hours_excluding_now(now: datetime) -> dict[str, str]:
    """Opening hours (UTC) of one hour every day, at least five hours away from ``now``."""
    hour = (now.hour + 6) % 24
    hour = 5 if hour == 23 else hour
    return {day: f"{hour:02d}:00-{hour + 1:02d}:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


ALWAYS_OPEN = {day: "00:00-23:59" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def utc_now() -> datetime:
    return datetime.now(UTC)


def zone_where_it_is(hour: int, now: datetime) -> str:
    """A fixed-offset IANA zone in which the local time at ``now`` is ``hour`` o'clock (Etc/GMT-k is UTC+k)."""
    offset = hour - now.hour
    if offset < -12:
        offset += 24
    if offset > 14:
        offset -= 24
    return f"Etc/GMT{-offset:+d}"


def received(smtp: SmtpServer) -> list[tuple[list[str], str, str]]:
    """(recipients, subject, plain-text body) of every e-mail the SMTP server accepted."""
    found = []
    for message_bytes in smtp.collector.messages:
        message = email.message_from_bytes(message_bytes.content)
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        found.append((message_bytes.recipients, str(message["Subject"]), payload.decode()))
    return found
