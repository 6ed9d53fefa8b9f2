"""The SMTP client: one e-mail to the operator's server (aiosmtplib), with timeouts, and its answer sorted
into sent, rejected for good (5xx) or worth another try (4xx, connection errors, timeouts).

Synchronous on the outside (jobs run in threads, the CLI is synchronous): each send runs its own event
loop. Whatever is reported back (exceptions, ``last_error``) has the password scrubbed from it, in every
form the AUTH exchange puts it on the wire, although servers do not echo it: an error text is stored and
shown to people, and a credential must never be.
"""

from __future__ import annotations

import asyncio
import base64
import os
import ssl
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from uuid import UUID

import aiosmtplib

from engium.mail.settings import MailSettings

# Longest error text kept (the column allows 1000): enough for a server's multi-line explanation.
MAX_ERROR = 500


@dataclass(frozen=True)
class Outgoing:
    """An e-mail ready to send: checked by service.py when it was queued."""

    id: UUID
    recipient: str
    subject: str
    body: str
    # A reply on an e-mail conversation (ADR 0046): the customer's Message-ID it answers, the thread's
    # References, and the channel's address for their answer.
    in_reply_to: str | None = None
    references: str | None = None
    reply_to: str | None = None


class SmtpRejected(Exception):
    """The server refused the e-mail for good (a 5xx reply): another try would be refused too."""

    def __init__(self, code: int, reply: str) -> None:
        super().__init__(f"{code} {reply}")
        self.code = code
        self.reply = reply


class SmtpUnavailable(Exception):
    """Not sent this time (a 4xx reply, the server unreachable, a timeout): worth another try later."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.code = code


def message_id(mail_id: UUID, sender: Address) -> str:
    """The same on every attempt, so a receiver can tell a retried e-mail from a new one."""
    return f"<{mail_id}@{sender.domain}>"


def build_message(outgoing: Outgoing, sender: Address, now: datetime) -> EmailMessage:
    """Plain text, UTF-8; headers set through the email package's default policy, which refuses line breaks
    in a header value (a second line of defence behind service.py's checks)."""
    message = EmailMessage()
    message["Message-ID"] = message_id(outgoing.id, sender)
    message["Date"] = format_datetime(now)
    message["From"] = sender
    message["To"] = outgoing.recipient
    message["Subject"] = outgoing.subject
    if outgoing.reply_to:
        message["Reply-To"] = outgoing.reply_to
    if outgoing.in_reply_to:
        message["In-Reply-To"] = outgoing.in_reply_to
        message["References"] = outgoing.references or outgoing.in_reply_to
    # RFC 3834: sent by software (a reply in a conversation: in answer to the customer); out-of-office
    # responders must not answer it (no mail loops).
    message["Auto-Submitted"] = "auto-replied" if outgoing.in_reply_to else "auto-generated"
    message.set_content(outgoing.body)
    return message


def scrub(text: str, settings: MailSettings) -> str:
    """``text`` without the password, as typed or as AUTH PLAIN / AUTH LOGIN encode it, and trimmed."""
    if settings.password is not None:
        secret = settings.password.get_secret_value()
        user = settings.username or ""
        forms = {secret, base64.b64encode(secret.encode()).decode(),
                 base64.b64encode(f"\0{user}\0{secret}".encode()).decode()}
        for form in sorted((f for f in forms if f), key=len, reverse=True):
            text = text.replace(form, "[redacted]")
    return " ".join(text.split())[:MAX_ERROR]


def write_to_outbox(message: EmailMessage, directory: Path) -> str:
    """Writes ``message`` as a new .eml file readable by this server's user only; returns an SMTP-like reply."""
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}.eml"
        handle = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as file:
            file.write(message.as_bytes())
    except OSError as exc:
        raise SmtpUnavailable(f"the outbox directory cannot be written: {exc.strerror or type(exc).__name__}") from None
    return f"250 written to the outbox as {name}"


def send(message: EmailMessage, settings: MailSettings, tls_context: ssl.SSLContext | None = None) -> str:
    """Sends ``message`` to its recipient; returns the server's final reply. Raises :class:`SmtpRejected`
    or :class:`SmtpUnavailable`, whose texts never hold the password."""
    if settings.host is None and settings.outbox_dir is not None:
        return write_to_outbox(message, settings.outbox_dir)
    if settings.host is None:
        raise SmtpUnavailable("this server has no e-mail sender configured (ENGIUM_SMTP_HOST)")
    try:
        return asyncio.run(_send(message, settings, tls_context))
    except aiosmtplib.SMTPRecipientsRefused as exc:
        # One recipient per e-mail, so one refusal.
        code = min((r.code for r in exc.recipients), default=0)
        reply = scrub("; ".join(r.message for r in exc.recipients), settings)
        if code >= 500:
            raise SmtpRejected(code, reply) from None
        raise SmtpUnavailable(f"{code} {reply}", code) from None
    except aiosmtplib.SMTPResponseException as exc:
        reply = scrub(exc.message, settings)
        if exc.code >= 500:
            raise SmtpRejected(exc.code, reply) from None
        raise SmtpUnavailable(f"{exc.code} {reply}", exc.code) from None
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        # Unreachable, refused, timed out, TLS failed, no STARTTLS offered: the cause's text, scrubbed.
        # ``from None``: the original exception (and its traceback's locals) is not carried along.
        detail = scrub(str(exc) or type(exc).__name__, settings)
        raise SmtpUnavailable(f"{type(exc).__name__}: {detail}") from None


async def _send(message: EmailMessage, settings: MailSettings, tls_context: ssl.SSLContext | None) -> str:
    password = settings.password.get_secret_value() if settings.password is not None else None
    client = aiosmtplib.SMTP(
        hostname=settings.host,
        port=settings.resolved_port,
        use_tls=settings.security == "tls",
        # starttls: required, never silently plain text; none: never attempted.
        start_tls=settings.security == "starttls",
        timeout=settings.timeout_seconds,
        tls_context=tls_context,
    )
    await client.connect(timeout=settings.connect_timeout_seconds)
    try:
        if settings.username is not None and password is not None:
            await client.login(settings.username, password)
        _errors, reply = await client.send_message(message)
        return reply
    finally:
        try:
            await client.quit()
        except (aiosmtplib.SMTPException, OSError):
            client.close()
