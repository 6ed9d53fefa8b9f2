"""``engium mail test``: one e-mail through the configured server, one line about it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from engium.cli.main import app
from tests.mail.conftest import SmtpServer, free_port


def _environment(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    for name, value in {"ENGIUM_SMTP_HOST": "127.0.0.1", "ENGIUM_SMTP_PORT": str(port),
                        "ENGIUM_SMTP_SECURITY": "none", "ENGIUM_MAIL_FROM": "Ops <ops@example.com>",
                        "ENGIUM_SMTP_CONNECT_TIMEOUT_SECONDS": "2"}.items():
        monkeypatch.setenv(name, value)


def test_a_test_mail_is_sent_and_reported_in_one_line(smtp_server: SmtpServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(monkeypatch, smtp_server.port)
    result = CliRunner().invoke(app, ["mail", "test", "--to", "ops@example.com"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sent: ops@example.com via 127.0.0.1:")
    assert "the server said: 2.0.0 Message accepted" in result.output
    assert len(result.output.strip().splitlines()) == 1
    [received] = smtp_server.collector.messages
    assert received.recipients == ["ops@example.com"]


def test_a_refusal_and_an_unreachable_server_exit_1(smtp_server: SmtpServer,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(monkeypatch, smtp_server.port)
    smtp_server.collector.rcpt_replies = ["550 5.7.1 Relaying denied"]
    refused = CliRunner().invoke(app, ["mail", "test", "--to", "ops@example.com"])
    assert refused.exit_code == 1
    assert "failed: ops@example.com" in refused.output
    assert "550 5.7.1 Relaying denied" in refused.output
    _environment(monkeypatch, free_port())
    down = CliRunner().invoke(app, ["mail", "test", "--to", "ops@example.com"])
    assert down.exit_code == 1
    assert "SMTPConnect" in down.output


def test_without_settings_it_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENGIUM_SMTP_HOST", raising=False)
    result = CliRunner().invoke(app, ["mail", "test", "--to", "ops@example.com"])
    assert result.exit_code == 2
    assert "no e-mail sender configured: set ENGIUM_SMTP_HOST" in result.output
