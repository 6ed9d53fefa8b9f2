"""TLS to the SMTP server: STARTTLS is required when chosen (never a silent fall-back to plain text), the
server's certificate is verified, and implicit TLS (port 465 style) works."""

from __future__ import annotations

import datetime as dt
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from engium.mail import smtp
from engium.mail.settings import MailSettings, Security
from tests.loopback_certificate import loopback_certificate
from tests.mail.conftest import Collector, SmtpServer, free_port


@dataclass
class TlsServer:
    collector: Collector
    port: int
    trusting: ssl.SSLContext  # a client context that trusts the server's self-signed certificate


def _certificate(base: Path) -> tuple[Path, Path]:
    return loopback_certificate(base, "smtp", "engium test smtp")


@contextmanager
def _server(tmp_path: Path, *, implicit: bool) -> Iterator[TlsServer]:
    key, cert = _certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    collector, port = Collector(), free_port()
    if implicit:
        controller = Controller(collector, hostname="127.0.0.1", port=port, ssl_context=server_context,
                                ready_timeout=10)
    else:
        # require_starttls: the server refuses MAIL before STARTTLS, so a delivery proves the upgrade.
        controller = Controller(collector, hostname="127.0.0.1", port=port, tls_context=server_context,
                                require_starttls=True, ready_timeout=10)
    controller.start()
    yield TlsServer(collector, port, ssl.create_default_context(cafile=str(cert)))
    controller.stop()


@pytest.fixture
def starttls_server(tmp_path: Path) -> Iterator[TlsServer]:
    with _server(tmp_path, implicit=False) as server:
        yield server


def _message(settings: MailSettings) -> EmailMessage:
    outgoing = smtp.Outgoing(uuid.uuid4(), "ada@example.com", "Your code", "Your code is 482913.\n")
    return smtp.build_message(outgoing, settings.sender, dt.datetime.now(dt.UTC))


def _settings(port: int, security: Security) -> MailSettings:
    return MailSettings(host="127.0.0.1", port=port, security=security, mail_from="noreply@example.com",
                        timeout_seconds=5.0, connect_timeout_seconds=2.0)


def test_starttls_upgrades_and_delivers(starttls_server: TlsServer) -> None:
    settings = _settings(starttls_server.port, "starttls")
    reply = smtp.send(_message(settings), settings, tls_context=starttls_server.trusting)
    assert "accepted" in reply
    [received] = starttls_server.collector.messages
    assert received.recipients == ["ada@example.com"]


def test_starttls_verifies_the_servers_certificate(starttls_server: TlsServer) -> None:
    settings = _settings(starttls_server.port, "starttls")
    # The system's trust store does not know the self-signed certificate: refused, nothing sent in clear.
    with pytest.raises(smtp.SmtpUnavailable, match="certificate"):
        smtp.send(_message(settings), settings)
    assert starttls_server.collector.messages == []


def test_starttls_never_falls_back_to_plain_text(smtp_server: SmtpServer) -> None:
    settings = _settings(smtp_server.port, "starttls")  # this server offers no STARTTLS
    with pytest.raises(smtp.SmtpUnavailable, match="STARTTLS"):
        smtp.send(_message(settings), settings)
    assert smtp_server.collector.messages == []
    assert smtp_server.collector.rcpt_count == 0


def test_implicit_tls_delivers(tmp_path: Path) -> None:
    with _server(tmp_path, implicit=True) as server:
        settings = _settings(server.port, "tls")
        smtp.send(_message(settings), settings, tls_context=server.trusting)
        assert len(server.collector.messages) == 1
