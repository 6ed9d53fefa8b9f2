"""Trying Engium out without an SMTP server: e-mails are written to an outbox directory as .eml files, which
only this server's user can read, and count as sent. `engium serve --demo` uses one when ENGIUM_SMTP_HOST is
unset, so a chat visitor's booking code or a password-reset link can be read there."""

from __future__ import annotations

import email
import stat
from email import policy
from pathlib import Path

import pytest
from pydantic import ValidationError

from engium.mail.settings import MailSettings
from engium.runtime import Runtime
from tests.conftest import TenantHandle
from tests.mail.conftest import mail_row, queue, send_due


def test_an_email_is_written_to_the_outbox_and_counts_as_sent(runtime: Runtime, tenant: TenantHandle,
                                                              tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    settings = MailSettings(outbox_dir=outbox)
    assert settings.enabled
    assert settings.writes_to_outbox
    mail_id = queue(runtime, tenant, settings, to="ada@example.com", subject="Your code",
                    body="Your code is 482913.\n")
    send_due(runtime, settings)

    [written] = list(outbox.iterdir())
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert (message["To"], message["Subject"], message["From"]) == (
        "ada@example.com", "Your code", "Engium <noreply@engium.invalid>")
    assert "482913" in message.get_content()
    row = mail_row(runtime, tenant, mail_id)
    assert (row.status, row.body) == ("sent", "")  # settled like any sent e-mail: the code is not kept


def test_an_smtp_host_wins_over_the_outbox(tmp_path: Path) -> None:
    both = MailSettings(host="smtp.example.com", mail_from="Salon <hi@salon.example>", outbox_dir=tmp_path)
    assert both.enabled
    assert not both.writes_to_outbox


def test_an_outbox_that_cannot_be_written_keeps_the_email_queued_with_the_reason(
    runtime: Runtime, tenant: TenantHandle, tmp_path: Path
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    settings = MailSettings(outbox_dir=blocked / "outbox")
    mail_id = queue(runtime, tenant, settings)
    send_due(runtime, settings)
    row = mail_row(runtime, tenant, mail_id)
    assert row.status == "queued"
    assert row.last_error is not None
    assert "outbox directory cannot be written" in row.last_error


def test_the_sender_of_an_outbox_is_still_checked() -> None:
    with pytest.raises(ValidationError):
        MailSettings(outbox_dir=Path("/tmp/x"), mail_from="two@a.example, addresses@b.example")
