"""A business's own SMTP sender (ADR 0046), through the API and the real job runtime, against a real SMTP server
(aiosmtpd with AUTH): its e-mails leave through its server with its credentials, else through the operator's."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.app import create_app
from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.job_queue import drain
from tests.mail.conftest import SmtpServer, mail_row, queue, running_smtp_server
from tests.mail.tenant_senders import NO_OPERATOR, PASSWORD, SENDER_FROM, local_runtime, sender_body


@pytest.fixture
def local_client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(local_runtime(runtime))) as test_client:
        yield test_client


def test_the_tenant_sender_is_stored_with_the_password_encrypted_and_never_shown(
    local_client: TestClient, runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    put = local_client.put("/api/v1/mail-sender", headers=tenant.headers, json=sender_body(smtp_server))
    assert put.status_code == 200, put.text
    shown = local_client.get("/api/v1/mail-sender", headers=tenant.headers)
    assert shown.status_code == 200
    assert shown.json() | {"updated_at": None} == {
        "host": "127.0.0.1", "port": smtp_server.port, "security": "none", "username": "salon-rosa",
        "from_address": SENDER_FROM, "password_set": True, "updated_at": None}
    vault_rows = local_client.get("/api/v1/integrations", headers=tenant.headers).json()
    assert [(c["kind"], c["name"]) for c in vault_rows] == [("smtp", "sender")]
    seen = " ".join([put.text, shown.text, json.dumps(vault_rows), json.dumps(audit_events(runtime, tenant))])
    assert PASSWORD not in seen
    assert "mail.sender_configured" in seen


def test_mail_goes_through_the_tenants_server_with_its_credentials(
    local_client: TestClient, runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    smtp_server.collector.accepted_login = (b"salon-rosa", PASSWORD.encode())
    assert local_client.put("/api/v1/mail-sender", headers=tenant.headers,
                            json=sender_body(smtp_server)).status_code == 200
    sent = queue(runtime, tenant, NO_OPERATOR, to="ada@example.com", subject="Your booking", body="See you at 3.\n")
    drain(local_runtime(runtime))
    assert mail_row(runtime, tenant, sent).status == "sent"
    assert smtp_server.collector.logins == [(b"salon-rosa", PASSWORD.encode())]
    [received] = smtp_server.collector.messages
    assert received.mail_from == "bookings@salon-rosa.example"
    assert received.recipients == ["ada@example.com"]
    assert b"From: Salon Rosa <bookings@salon-rosa.example>" in received.content


def test_a_wrong_password_fails_readably_and_the_password_never_appears(
    local_client: TestClient, runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    smtp_server.collector.accepted_login = (b"salon-rosa", b"the-current-password")
    assert local_client.put("/api/v1/mail-sender", headers=tenant.headers,
                            json=sender_body(smtp_server)).status_code == 200
    refused = queue(runtime, tenant, NO_OPERATOR)
    drain(local_runtime(runtime))
    row = mail_row(runtime, tenant, refused)
    assert row.status == "failed"
    assert row.last_error is not None
    assert row.last_error.startswith("535")
    assert smtp_server.collector.messages == []
    seen = " ".join([caplog.text, row.last_error, json.dumps(audit_events(runtime, tenant))])
    assert PASSWORD not in seen
    assert "Tenant-Pw-5e0c9a71" not in seen


def test_without_a_tenant_sender_the_operators_server_sends_and_another_tenants_sender_is_never_used(
    local_client: TestClient, runtime: Runtime, tenant: TenantHandle,
) -> None:
    other = make_tenant(runtime)
    with running_smtp_server() as tenants_server, running_smtp_server() as operators_server:
        tenants_server.collector.accepted_login = (b"salon-rosa", PASSWORD.encode())
        assert local_client.put("/api/v1/mail-sender", headers=tenant.headers,
                                json=sender_body(tenants_server)).status_code == 200
        operator = operators_server.settings()
        mine = queue(runtime, tenant, operator)
        theirs = queue(runtime, other, operator)
        drain(local_runtime(runtime, operator))
        assert mail_row(runtime, tenant, mine).status == "sent"
        assert mail_row(runtime, other, theirs).status == "sent"
        assert len(tenants_server.collector.messages) == 1
        assert len(operators_server.collector.messages) == 1
        assert operators_server.collector.logins == []


def test_without_any_sender_nothing_can_be_queued(runtime: Runtime, tenant: TenantHandle) -> None:
    from engium.mail.service import MailNotConfigured

    with pytest.raises(MailNotConfigured):
        queue(runtime, tenant, NO_OPERATOR)


@pytest.mark.parametrize(("changes", "message"), [
    ({"host": "10.0.0.5", "security": "starttls"}, "private address"),
    ({"host": "169.254.169.254", "security": "tls"}, "link-local"),
    ({"host": "127.0.0.1"}, "loopback"),
    ({"host": "smtp.example.com", "security": "none"}, "only allowed for a relay on this host"),
])
def test_hosts_the_ssrf_rules_refuse_are_422_with_the_rule(
    client: TestClient, tenant: TenantHandle, smtp_server: SmtpServer, changes: dict[str, Any], message: str,
) -> None:
    response = client.put("/api/v1/mail-sender", headers=tenant.headers, json=sender_body(smtp_server, **changes))
    assert response.status_code == 422, response.text
    assert message in response.text
    assert PASSWORD not in response.text
    assert client.get("/api/v1/mail-sender", headers=tenant.headers).status_code == 404


@pytest.mark.parametrize("changes", [
    {"from_address": "Salon <a@salon.example>\r\nBcc: victim@example.com"},
    {"from_address": "a@salon.example, b@salon.example"},
    {"host": "smtp.example.com\r\nRCPT TO:<x@y>"},
    {"username": "salon\r\nAUTH PLAIN"},
    {"password": "short"},
    {"from_address": "00<"},
])
def test_header_and_command_injection_in_the_sender_is_refused(
    local_client: TestClient, tenant: TenantHandle, smtp_server: SmtpServer, changes: dict[str, Any],
) -> None:
    response = local_client.put("/api/v1/mail-sender", headers=tenant.headers,
                                json=sender_body(smtp_server, **changes))
    assert response.status_code == 422, response.text


def test_removing_the_sender_removes_its_password_and_another_tenant_cannot_see_or_remove_it(
    local_client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    assert local_client.put("/api/v1/mail-sender", headers=tenant.headers,
                            json=sender_body(smtp_server)).status_code == 200
    assert local_client.get("/api/v1/mail-sender", headers=other_tenant.headers).status_code == 404
    assert local_client.delete("/api/v1/mail-sender", headers=other_tenant.headers).status_code == 404
    assert local_client.get("/api/v1/mail-sender", headers=tenant.headers).status_code == 200
    assert local_client.delete("/api/v1/mail-sender", headers=tenant.headers).status_code == 204
    assert local_client.get("/api/v1/mail-sender", headers=tenant.headers).status_code == 404
    assert local_client.get("/api/v1/integrations", headers=tenant.headers).json() == []
