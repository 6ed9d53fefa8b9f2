"""The operator's SMTP settings: read from ENGIUM_SMTP_* and ENGIUM_MAIL_FROM, checked at start-up, the
password never shown; and the scrubbing of error texts."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from pydantic import ValidationError

from engium.config import Settings
from engium.mail.settings import MailSettings
from engium.mail.smtp import scrub


def test_the_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"ENGIUM_SMTP_HOST": "smtp.example.com", "ENGIUM_SMTP_SECURITY": "tls",
                        "ENGIUM_SMTP_USERNAME": "apikey", "ENGIUM_SMTP_PASSWORD": "s3cret-from-env",
                        "ENGIUM_MAIL_FROM": "Salon <noreply@example.com>"}.items():
        monkeypatch.setenv(name, value)
    mail = Settings().mail
    assert mail.enabled
    assert (mail.host, mail.security, mail.resolved_port, mail.username) == ("smtp.example.com", "tls", 465, "apikey")
    assert str(mail.sender) == "Salon <noreply@example.com>"
    assert "s3cret-from-env" not in repr(Settings()) + str(mail) + repr(mail)


def test_unset_host_means_no_e_mail() -> None:
    assert not MailSettings(host=None).enabled
    assert MailSettings(host="smtp.example.com", mail_from="a@example.com").resolved_port == 587


@pytest.mark.parametrize(("values", "message"), [
    ({"host": "smtp.example.com"}, "ENGIUM_MAIL_FROM is required"),
    ({"host": "smtp.example.com", "mail_from": "a@example.com", "security": "none"}, "only allowed for a relay"),
    ({"host": "smtp.example.com", "mail_from": "a@example.com", "username": "u"}, "go together"),
    ({"host": "smtp.example.com", "mail_from": "a@example.com\r\nBcc: b@example.com"}, "must be one line"),
    ({"host": "smtp.example.com", "mail_from": "nobody"}, "must be one e-mail address"),
    ({"host": "smtp.example.com\r\nX", "mail_from": "a@example.com"}, "must be one word"),
])
def test_bad_settings_are_refused_at_start_up(values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MailSettings(**values)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "::1"])
def test_plain_text_is_allowed_to_a_relay_on_this_host(host: str) -> None:
    assert MailSettings(host=host, mail_from="a@example.com", security="none").resolved_port == 25


def test_error_texts_are_scrubbed_of_the_password_in_every_wire_form() -> None:
    settings = MailSettings(host="smtp.example.com", mail_from="a@example.com", username="u", password="hunter2-x")
    plain = base64.b64encode(b"\0u\0hunter2-x").decode()
    login = base64.b64encode(b"hunter2-x").decode()
    scrubbed = scrub(f"535 bad credentials hunter2-x {plain} {login}\r\n more", settings)
    assert scrubbed == "535 bad credentials [redacted] [redacted] [redacted] more"
    assert len(scrub("x" * 5000, settings)) == 500
