"""Queuing an e-mail: checked, stored as an ``outbound_mail`` row and handed to a ``mail.send`` job, all in
the caller's transaction (the e-mail exists exactly when what asked for it commits).

The job carries ids only (engium.jobs.defer); the recipient, subject and body live in the row, under the
tenant's RLS, and go with the contact. Header injection is refused here, with a message a caller can
show: a recipient is one address, a subject one line.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.errors import Unprocessable
from engium.jobs import defer
from engium.mail.models import OutboundMail, TenantMailSender
from engium.mail.settings import MailSettings

SEND_JOB = "mail.send"
MAX_SUBJECT = 200
MAX_BODY = 100_000
NOT_CONFIGURED = "this server has no e-mail sender configured"


class MailNotConfigured(Unprocessable):
    """The operator has set no SMTP server (``ENGIUM_SMTP_HOST``): nothing can be sent by e-mail."""

    code = "email_not_configured"

    def __init__(self) -> None:
        super().__init__(NOT_CONFIGURED)


class InvalidMail(Unprocessable):
    """A recipient, subject or body that cannot be sent as it is (a line break in a header, a bad address)."""


def clean_recipient(to: str) -> str:
    """One address, normalised (domain lower-cased, IDNA): never a list, a display name or a second line."""
    if any(c in to for c in "\r\n\0"):
        raise InvalidMail("the recipient may not contain line breaks")
    try:
        checked = validate_email(to, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        raise InvalidMail(f"the recipient is not a valid e-mail address: {exc}") from None
    return checked.normalized


def clean_subject(subject: str) -> str:
    if any(c in subject for c in "\r\n\0"):
        raise InvalidMail("the subject may not contain line breaks")
    subject = subject.strip()
    if not 1 <= len(subject) <= MAX_SUBJECT:
        raise InvalidMail(f"the subject must be 1 to {MAX_SUBJECT} characters")
    return subject


def clean_body(body: str) -> str:
    if "\0" in body:
        raise InvalidMail("the body may not contain NUL characters")
    if len(body) > MAX_BODY:
        raise InvalidMail(f"the body must be at most {MAX_BODY} characters")
    return body


def clean_message_id(value: str) -> str:
    """One ``<...@...>`` Message-ID, header-safe (it comes from a customer's e-mail)."""
    if not (3 <= len(value) <= 998) or any(c in value for c in "\r\n\0 ") or not value.isascii():
        raise InvalidMail("a Message-ID must be one printable ASCII word")
    if not (value.startswith("<") and value.endswith(">") and "@" in value):
        raise InvalidMail("a Message-ID looks like <id@domain>")
    return value


@dataclass(frozen=True)
class Threading:
    """An e-mail conversation's reply (ADR 0046): the message it carries and the headers that thread it."""

    message_id: UUID
    in_reply_to: str | None
    references: str | None
    reply_to: str | None


def can_send(session: Session, settings: MailSettings) -> bool:
    """Whether the bound tenant's e-mails can leave: through the operator's server, or its own
    (mail/tenant_sender.py, ADR 0046)."""
    return settings.enabled or session.execute(select(TenantMailSender.tenant_id)).first() is not None


def queue_mail(session: Session, principal: Principal, settings: MailSettings, *, to: str, subject: str,
               body: str, contact_id: UUID | None = None, thread: Threading | None = None) -> UUID:
    """Queues a plain-text e-mail for the bound tenant (``principal.tenant_id``); returns its id.

    ``contact_id``: the customer it is about (a one-time code for their request), so that it is erased
    with them and its audit event seals the address under their key. Raises :class:`MailNotConfigured`
    when the server has no SMTP settings, :class:`InvalidMail` for what cannot be sent."""
    if not can_send(session, settings):
        raise MailNotConfigured()
    mail = OutboundMail(tenant_id=principal.tenant_id, id=uuid.uuid4(), contact_id=contact_id,
                        recipient=clean_recipient(to), subject=clean_subject(subject), body=clean_body(body))
    if thread is not None:
        mail.message_id = thread.message_id
        mail.in_reply_to = clean_message_id(thread.in_reply_to) if thread.in_reply_to else None
        mail.thread_references = " ".join(clean_message_id(r) for r in (thread.references or "").split()) or None
        mail.reply_to = clean_recipient(thread.reply_to) if thread.reply_to else None
    session.add(mail)
    session.flush()
    defer(session, SEND_JOB, tenant_id=str(mail.tenant_id), mail_id=str(mail.id))
    audit.record(
        session, principal, AuditAction.MAIL_QUEUED, resource_type="outbound_mail", resource_id=mail.id,
        # Ids only in clear; the address is the customer's, sealed under their key (ADR 0021). A staff
        # notification (no contact) names no address at all. Subject and body are never recorded.
        details={"mail_id": mail.id, "contact_id": contact_id, "message_id": thread.message_id if thread else None},
        personal={"recipient": mail.recipient} if contact_id is not None else None,
        subject=contact_id,
    )
    return mail.id


def mail_by_id(session: Session, mail_id: UUID) -> OutboundMail | None:
    """The bound tenant's e-mail (RLS: another tenant's id finds nothing)."""
    return session.execute(select(OutboundMail).where(OutboundMail.id == mail_id)).scalar_one_or_none()
