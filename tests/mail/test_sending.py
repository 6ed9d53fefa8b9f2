"""End to end: queue_mail → the mail.send job in the real job runtime → a real SMTP server on loopback."""

from __future__ import annotations

import json
import logging
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from engium.mail.settings import MailSettings
from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events, revealed_audit_events
from tests.mail.conftest import SmtpServer, free_port, mail_jobs, mail_row, new_contact, queue, retry_now, send_due


def _parsed(content: bytes) -> EmailMessage:
    parsed = message_from_bytes(content, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_a_queued_mail_is_delivered_with_its_headers_and_body(
    runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    settings = smtp_server.settings()
    contact = new_contact(runtime, tenant, "ada@example.com")
    mail_id = queue(runtime, tenant, settings, to="Ada@Example.COM", subject="Your code: 482913 ✓",
                    contact_id=contact)
    assert mail_row(runtime, tenant, mail_id).status == "queued"

    send_due(runtime, settings)

    [received] = smtp_server.collector.messages
    assert received.mail_from == "noreply@example.com"
    assert received.recipients == ["Ada@example.com"]  # the domain normalised, the local part kept
    message = _parsed(received.content)
    assert message["From"] == "Engium Test <noreply@example.com>"
    assert message["To"] == "Ada@example.com"
    assert message["Subject"] == "Your code: 482913 ✓"
    assert message["Message-ID"] == f"<{mail_id}@example.com>"
    assert message["Date"].datetime is not None
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    # Lines end in CRLF on the wire (RFC 5322).
    assert message.get_content() == "Your code is 482913.\r\nIt expires in 15 minutes.\r\n"

    row = mail_row(runtime, tenant, mail_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.smtp_message_id == f"<{mail_id}@example.com>"
    assert row.sent_at is not None
    assert row.body == ""  # the code is not kept once sent
    [job] = mail_jobs(runtime, mail_id)
    assert job["status"] == "succeeded"
    assert set(job["args"]) == {"tenant_id", "mail_id"}  # ids only

    events = audit_events(runtime, tenant)
    queued = [e for e in events if e["action"] == "mail.queued"]
    sent = [e for e in events if e["action"] == "mail.sent"]
    assert len(queued) == 1
    assert len(sent) == 1
    assert sent[0]["details"]["attempts"] == 1
    # The address is sealed under the customer's key; subject and body are never in the log.
    stored = json.dumps(events)
    for value in ("ada@example.com", "482913"):
        assert value not in stored.lower(), value
    [revealed] = [e for e in revealed_audit_events(runtime, tenant) if e["action"] == "mail.queued"]
    assert revealed["details"]["recipient"] == "Ada@example.com"

    # Sent once: a second run finds nothing due.
    send_due(runtime, settings)
    assert len(smtp_server.collector.messages) == 1


def test_a_permanent_rejection_fails_at_once_with_the_reason(
    runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    settings = smtp_server.settings()
    smtp_server.collector.rcpt_replies = ["550 5.1.1 No such user here"]
    mail_id = queue(runtime, tenant, settings)

    send_due(runtime, settings)

    row = mail_row(runtime, tenant, mail_id)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error == "550 5.1.1 No such user here"
    assert row.body == ""
    assert smtp_server.collector.messages == []
    # No retry storm: one conversation with the server, one job, finished, nothing scheduled.
    assert smtp_server.collector.rcpt_count == 1
    assert [(j["status"], j["attempts"]) for j in mail_jobs(runtime, mail_id)] == [("succeeded", 1)]
    [failed] = [e for e in audit_events(runtime, tenant) if e["action"] == "mail.failed"]
    assert failed["outcome"] == "failed"
    assert failed["details"]["smtp_code"] == 550
    assert failed["details"]["reason"] == "rejected by the server"
    assert "No such user" not in json.dumps(failed)  # the server's text stays on the row


def test_a_temporary_rejection_is_retried_and_then_sent(
    runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer,
) -> None:
    settings = smtp_server.settings()
    smtp_server.collector.data_replies = ["451 4.3.0 Try again later"]
    mail_id = queue(runtime, tenant, settings)

    send_due(runtime, settings)
    row = mail_row(runtime, tenant, mail_id)
    assert (row.status, row.attempts) == ("queued", 1)
    assert row.last_error is not None
    assert "451" in row.last_error
    assert row.body  # kept until it is settled
    [waiting] = mail_jobs(runtime, mail_id)
    assert waiting["status"] == "todo"  # scheduled after the backoff, not retried at once

    retry_now(runtime, mail_id)
    send_due(runtime, settings)
    assert len(smtp_server.collector.messages) == 1
    row = mail_row(runtime, tenant, mail_id)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_a_server_that_is_down_is_retried_then_the_mail_fails(runtime: Runtime, tenant: TenantHandle) -> None:
    port = free_port()  # nothing listens there
    settings = smtp_server_settings(port)
    mail_id = queue(runtime, tenant, settings)

    send_due(runtime, settings)
    for attempt in (1, 2):
        row = mail_row(runtime, tenant, mail_id)
        assert (row.status, row.attempts) == ("queued", attempt)
        assert row.last_error is not None
        assert "SMTPConnect" in row.last_error
        retry_now(runtime, mail_id)
        send_due(runtime, settings)

    row = mail_row(runtime, tenant, mail_id)
    assert (row.status, row.attempts) == ("failed", 3)  # 1 + len(retry_delays_seconds)
    assert row.last_error is not None
    assert "SMTPConnect" in row.last_error
    assert row.body == ""
    [job] = mail_jobs(runtime, mail_id)
    assert (job["status"], job["attempts"]) == ("failed", 3)
    [failed] = [e for e in audit_events(runtime, tenant) if e["action"] == "mail.failed"]
    assert failed["details"]["reason"] == "attempts exhausted"
    assert failed["details"]["attempts"] == 3


def smtp_server_settings(port: int) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, security="none", mail_from="noreply@example.com",
                        retry_delays_seconds=[60.0, 60.0], retry_jitter=0.0, connect_timeout_seconds=2.0)


def test_login_works_and_the_password_never_appears_in_logs_rows_or_errors(
    runtime: Runtime, tenant: TenantHandle, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    password = "Pw-7c1f0e5b2d-never-shown"
    smtp_server.collector.accepted_login = (b"engium", password.encode())
    good = smtp_server.settings(username="engium", password=password)
    sent = queue(runtime, tenant, good)
    send_due(runtime, good)
    assert mail_row(runtime, tenant, sent).status == "sent"
    assert smtp_server.collector.logins == [(b"engium", password.encode())]

    wrong = smtp_server.settings(username="engium", password=password + "-old")
    refused = queue(runtime, tenant, wrong)
    send_due(runtime, wrong)
    row = mail_row(runtime, tenant, refused)
    assert row.status == "failed"
    assert row.last_error is not None
    assert row.last_error.startswith("535")

    seen = " ".join([caplog.text, row.last_error, repr(good), str(good), repr(wrong), good.model_dump_json(),
                     json.dumps(audit_events(runtime, tenant))])
    assert password not in seen
    assert "Pw-7c1f0e5b2d" not in seen
