"""A real SMTP server (aiosmtpd on 127.0.0.1, a free port) that collects what it is sent, and helpers to
queue e-mails and run them through the job runtime."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy import text

from engium.mail import service
from engium.mail.models import OutboundMail
from engium.mail.settings import MailSettings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle
from tests.job_queue import drain, job_rows, make_due, runtime_with
from tests.tenancy.fixtures import owner_principal

SENDER = "Engium Test <noreply@example.com>"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    content: bytes


@dataclass
class Collector:
    """The server's behaviour, set by each test: what it answers to RCPT and DATA, which login it accepts."""

    messages: list[Received] = field(default_factory=list)
    rcpt_replies: list[str] = field(default_factory=list)  # answered in turn, then "250 OK"
    data_replies: list[str] = field(default_factory=list)
    rcpt_count: int = 0
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)
    accepted_login: tuple[bytes, bytes] | None = None

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,  # noqa: N802
                          address: str, rcpt_options: list[str]) -> str:
        self.rcpt_count += 1
        if self.rcpt_replies:
            return self.rcpt_replies.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if self.data_replies:
            return self.data_replies.pop(0)
        assert isinstance(envelope.content, bytes)
        self.messages.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Message accepted for delivery"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        accepted = (auth_data.login, auth_data.password) == self.accepted_login
        # handled=False: the server answers 535 itself (aiosmtpd's default, True, answers nothing).
        return AuthResult(success=accepted, handled=False)


@dataclass
class SmtpServer:
    collector: Collector
    port: int

    def settings(self, **changes: Any) -> MailSettings:
        """Settings pointing at this server, plain text on loopback, two quick retries (three attempts)."""
        values: dict[str, Any] = {"host": "127.0.0.1", "port": self.port, "security": "none", "mail_from": SENDER,
                                  "retry_delays_seconds": [60.0, 60.0], "retry_jitter": 0.0, "timeout_seconds": 5.0,
                                  "connect_timeout_seconds": 2.0}
        return MailSettings(**(values | changes))

    def environment(self) -> dict[str, str]:
        """The same server as an ``engium serve`` process's settings (a live server sends through it)."""
        return {"ENGIUM_SMTP_HOST": "127.0.0.1", "ENGIUM_SMTP_PORT": str(self.port), "ENGIUM_SMTP_SECURITY": "none",
                "ENGIUM_MAIL_FROM": SENDER}


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    """The server, started on a free loopback port for as long as the block runs."""
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port, authenticator=collector.authenticate,
                            auth_require_tls=False, ready_timeout=10)
    controller.start()
    try:
        yield SmtpServer(collector, port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


def queue(runtime: Runtime, tenant: TenantHandle, settings: MailSettings, *, to: str = "ada@example.com",
          subject: str = "Your code", body: str = "Your code is 482913.\nIt expires in 15 minutes.\n",
          contact_id: UUID | None = None) -> UUID:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return service.queue_mail(session, owner_principal(tenant), settings, to=to, subject=subject, body=body,
                                  contact_id=contact_id)


def send_due(runtime: Runtime, settings: MailSettings) -> None:
    """Runs the real job runtime's worker over what is due, with these e-mail settings."""
    drain(runtime_with(runtime, mail=settings))


def mail_row(runtime: Runtime, tenant: TenantHandle, mail_id: UUID) -> OutboundMail:
    with tenant_transaction(runtime.database, tenant.id) as session:
        found = service.mail_by_id(session, mail_id)
        assert found is not None
        session.expunge(found)
        return found


def mail_jobs(runtime: Runtime, mail_id: UUID) -> list[dict[str, Any]]:
    return job_rows(runtime, service.SEND_JOB, mail_id=str(mail_id))


def retry_now(runtime: Runtime, mail_id: UUID) -> None:
    [job] = [j for j in mail_jobs(runtime, mail_id) if j["status"] == "todo"]
    make_due(runtime, job["id"])


def new_contact(runtime: Runtime, tenant: TenantHandle, email: str) -> UUID:
    contact = uuid.uuid4()
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("insert into contacts (tenant_id, id, name, email) values (:t, :id, 'Ada', :e)"),
                        {"t": tenant.id, "id": contact, "e": email})
    return contact
