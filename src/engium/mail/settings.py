"""The operator's SMTP server (``ENGIUM_SMTP_*`` and ``ENGIUM_MAIL_FROM``), nested in :class:`engium.config.Settings`.

One sender for the whole deployment: the operator's relay, with the operator's credentials. Unset
``ENGIUM_SMTP_HOST`` means this server sends no e-mail, and code that asks to gets
:class:`engium.mail.service.MailNotConfigured` (a 422 it can show). A per-tenant sender, with its
credentials in the vault, is left for issue 15 (ADR 0032).
"""

from __future__ import annotations

import ipaddress
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Security = Literal["starttls", "tls", "none"]
DEFAULT_PORTS: dict[str, int] = {"starttls": 587, "tls": 465, "none": 25}
# The sender of e-mails written to an outbox when ENGIUM_MAIL_FROM is not set (.invalid never delivers).
OUTBOX_SENDER = "Engium <noreply@engium.invalid>"
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_sender(value: str) -> Address:
    """``noreply@example.com`` or ``Example Salon <noreply@example.com>``, as one header-safe address."""
    if any(c in value for c in "\r\n\0"):
        raise ValueError("must be one line")
    try:
        header = policy.default.header_factory("From", value)
        addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    except (HeaderParseError, IndexError, ValueError, AttributeError):
        # Some malformed values ('00<') make the stdlib parser raise (even IndexError) instead of noting a defect.
        raise ValueError(
            "must be one e-mail address, optionally with a display name: 'Name <user@example.com>'") from None
    if header.defects or len(addresses) != 1 or not addresses[0].username or "." not in addresses[0].domain:
        raise ValueError("must be one e-mail address, optionally with a display name: 'Name <user@example.com>'")
    return addresses[0]


class MailSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGIUM_SMTP_", extra="ignore", populate_by_name=True)

    # Unset: this server sends no e-mail.
    host: str | None = Field(default=None, min_length=1, max_length=253)
    # Unset: 587 for starttls, 465 for tls, 25 for none.
    port: int | None = Field(default=None, ge=1, le=65535)
    # starttls: upgrade is required (a server that does not offer it is an error, never plain text);
    # tls: TLS from the first byte (port 465); none: plain text, allowed only to a relay on this host.
    security: Security = "starttls"
    username: str | None = Field(default=None, min_length=1, max_length=320)
    # Never logged, never in an error or a repr (SecretStr); only handed to the SMTP client.
    password: SecretStr | None = None
    mail_from: str | None = Field(
        default=None, max_length=320, validation_alias=AliasChoices("mail_from", "ENGIUM_MAIL_FROM"),
    )
    # Instead of an SMTP server, a directory: each e-mail is written there as an .eml file (mode 0600) and
    # counts as sent. For trying Engium out: `engium serve --demo` uses <data dir>/outbox when no SMTP host
    # is set, so a password-reset link or a widget visitor's code can be read there. ENGIUM_SMTP_HOST wins.
    outbox_dir: Path | None = Field(
        default=None, validation_alias=AliasChoices("outbox_dir", "ENGIUM_MAIL_OUTBOX_DIR"),
    )
    connect_timeout_seconds: float = Field(default=10.0, gt=0)
    # Each SMTP command's reply must arrive within this (a server that stalls mid-conversation).
    timeout_seconds: float = Field(default=30.0, gt=0)
    # Delays before each retry of a send that failed transiently (4xx replies, connection errors); the first
    # attempt is immediate, so attempts = 1 + len(delays). 5xx replies fail at once.
    retry_delays_seconds: list[float] = Field(default=[30.0, 120.0, 600.0, 1800.0, 7200.0])
    retry_jitter: float = Field(default=0.2, ge=0, lt=1)

    @field_validator("mail_from")
    @classmethod
    def _one_sender(cls, value: str | None) -> str | None:
        if value is not None:
            parse_sender(value)
        return value

    @field_validator("host", "username")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and any(c in value for c in "\r\n\0 "):
            raise ValueError("must be one word, without spaces or line breaks")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> MailSettings:
        if self.host is None:
            return self
        if self.mail_from is None:
            raise ValueError("ENGIUM_MAIL_FROM is required with ENGIUM_SMTP_HOST (the sender of every e-mail)")
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError("ENGIUM_SMTP_SECURITY=none is only allowed for a relay on this host (localhost); "
                             "use starttls or tls")
        if (self.username is None) != (self.password is None):
            raise ValueError("ENGIUM_SMTP_USERNAME and ENGIUM_SMTP_PASSWORD go together")
        return self

    @property
    def enabled(self) -> bool:
        return self.host is not None or self.outbox_dir is not None

    @property
    def writes_to_outbox(self) -> bool:
        return self.host is None and self.outbox_dir is not None

    @property
    def resolved_port(self) -> int:
        return self.port or DEFAULT_PORTS[self.security]

    @property
    def sender(self) -> Address:
        if self.mail_from is None:
            if self.writes_to_outbox:
                return parse_sender(OUTBOX_SENDER)
            raise ValueError("no sender configured")
        return parse_sender(self.mail_from)
