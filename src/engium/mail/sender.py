"""Sending one queued e-mail, one attempt per run of its ``mail.send`` job (mail/tasks.py).

1. A transaction bound to the job's tenant reads the row (RLS: a job naming another tenant's e-mail finds
   nothing), counts the attempt and commits before any network I/O.
2. The SMTP client sends it (smtp.py).
3. A second transaction records the outcome: ``sent`` (``mail.sent``), or a 5xx reply ``failed`` at once
   with the server's reason (``mail.failed``); a 4xx reply or a connection error keeps it ``queued`` with
   the error shown and raises, so the job runtime retries after the backoff, and after the last attempt
   :meth:`MailSender.give_up` marks it ``failed``. A settled e-mail's body is emptied (ADR 0032).

Audit details hold ids, attempts and the SMTP reply code: never the address, subject, body or reply text.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.suspension import is_suspended
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.crypto.keyring import DataKeyRing
from engium.errors import Unprocessable
from engium.kit.database import Database
from engium.kit.jobs import Backoff
from engium.mail import smtp, tenant_sender
from engium.mail.models import FAILED, QUEUED, SENT, OutboundMail
from engium.mail.service import NOT_CONFIGURED, mail_by_id
from engium.mail.settings import MailSettings
from engium.tenancy.binding import tenant_transaction

log = logging.getLogger(__name__)

COMPONENT = "mail.sender"
ACTOR = (ActorKind.SYSTEM, COMPONENT)
SUSPENDED = "not sent: the business is suspended"
Clock = Callable[[], datetime]
Transport = Callable[[EmailMessage, MailSettings], str]
# Told of every settled e-mail in the settling transaction: an e-mail conversation's reply moves its message's
# delivery state (channels/email_replies.py, wired by the composition root: channels/ sits above mail/).
SettledHook = Callable[[Session, OutboundMail], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


class MailSendFailed(Exception):
    """Not sent this time, for a reason worth another try; the text is fit for the tenant's eyes."""


@dataclass
class MailSender:
    database: Database
    settings: MailSettings
    clock: Clock = utc_now
    transport: Transport = smtp.send
    rng: random.Random = field(default_factory=random.SystemRandom)
    # The business's own SMTP sender (ADR 0046) is used when both are given; else always the operator's.
    vault: DataKeyRing | None = None
    refusal: tenant_sender.AddressRefusal | None = None
    on_settled: SettledHook | None = None

    @property
    def backoff(self) -> Backoff:
        return Backoff(self.settings.retry_delays_seconds, self.settings.retry_jitter, self.rng)

    def attempt(self, tenant_id: UUID, mail_id: UUID, attempt: int) -> None:
        """One send; raises :class:`MailSendFailed` when it should be tried again."""
        with tenant_transaction(self.database, tenant_id) as session:
            mail = mail_by_id(session, mail_id)
            if mail is None or mail.status != QUEUED:
                # Erased with its contact, or settled by an earlier run whose job was not marked finished
                # (its worker died): a retried job resumes, it never sends twice.
                log.info("e-mail %s of tenant %s is %s: nothing to send", mail_id, tenant_id,
                         "gone" if mail is None else mail.status)
                return
            try:
                settings = self._settings_for(session)
            except Unprocessable as exc:
                # The business's server now resolves to a refused address: no retry makes it acceptable.
                self._settle(session, mail, FAILED, error=f"not sent: {exc.message}", reason="sender refused")
                return
            if not settings.enabled:
                # The operator removed the SMTP settings after it was queued: no retry can send it.
                self._settle(session, mail, FAILED, error=NOT_CONFIGURED, reason="no e-mail sender configured")
                return
            if is_suspended(session):
                # The operator suspended the business (ADR 0040): nothing of it leaves, and staff see why.
                self._settle(session, mail, FAILED, error=SUSPENDED, reason="business suspended")
                return
            mail.attempts = attempt
            outgoing = smtp.Outgoing(mail.id, mail.recipient, mail.subject, mail.body, in_reply_to=mail.in_reply_to,
                                     references=mail.thread_references, reply_to=mail.reply_to)
            message = smtp.build_message(outgoing, settings.sender, self.clock())
        try:
            self.transport(message, settings)
        except smtp.SmtpRejected as exc:
            with tenant_transaction(self.database, tenant_id) as session:
                self._settle_by_id(session, mail_id, FAILED, error=str(exc), reason="rejected by the server",
                                   code=exc.code)
            return
        except smtp.SmtpUnavailable as exc:
            with tenant_transaction(self.database, tenant_id) as session:
                found = mail_by_id(session, mail_id)
                if found is not None:
                    found.last_error = str(exc)  # shown while the retries run
            log.info("e-mail %s of tenant %s will be retried: %s", mail_id, tenant_id, exc)
            raise MailSendFailed(str(exc)) from None
        with tenant_transaction(self.database, tenant_id) as session:
            self._settle_by_id(session, mail_id, SENT, message_id=str(message["Message-ID"]))

    def _settings_for(self, session: Session) -> MailSettings:
        if self.vault is None or self.refusal is None:
            return self.settings
        return tenant_sender.settings_for(session, self.vault, self.settings, self.refusal)

    def give_up(self, tenant_id: UUID, mail_id: UUID, error: BaseException) -> None:
        """The last attempt failed: the e-mail is marked failed, with the last reason."""
        summary = str(error) if isinstance(error, MailSendFailed) else type(error).__name__
        with tenant_transaction(self.database, tenant_id) as session:
            self._settle_by_id(session, mail_id, FAILED, error=summary, reason="attempts exhausted")

    def _settle_by_id(self, session: Session, mail_id: UUID, status: str, *, error: str | None = None,
                      reason: str | None = None, code: int | None = None, message_id: str | None = None) -> None:
        mail = mail_by_id(session, mail_id)
        if mail is not None and mail.status == QUEUED:
            self._settle(session, mail, status, error=error, reason=reason, code=code, message_id=message_id)

    def _settle(self, session: Session, mail: OutboundMail, status: str, *, error: str | None = None,
                reason: str | None = None, code: int | None = None, message_id: str | None = None) -> None:
        mail.status = status
        mail.body = ""  # a one-time code or a reset link is not kept once it is settled
        mail.last_error = error[:smtp.MAX_ERROR] if error is not None else None
        if status == SENT:
            mail.sent_at = self.clock()
            mail.smtp_message_id = message_id
        details: dict[str, object] = {"mail_id": mail.id, "contact_id": mail.contact_id, "attempts": mail.attempts}
        if status == FAILED:
            details |= {"reason": reason, "smtp_code": code}
        audit.record(session, None, AuditAction.MAIL_SENT if status == SENT else AuditAction.MAIL_FAILED,
                     resource_type="outbound_mail", resource_id=mail.id, tenant_id=mail.tenant_id, actor=ACTOR,
                     outcome=Outcome.SUCCESS if status == SENT else Outcome.FAILED, details=details)
        if self.on_settled is not None:
            self.on_settled(session, mail)
