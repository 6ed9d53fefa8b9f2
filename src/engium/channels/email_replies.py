"""Replies on e-mail conversations leave as e-mails, threaded in the customer's client (ADR 0046).

An agent's or the assistant's message on an ``email`` conversation queues a ``channels.email_reply`` job
(conversations/outbound.py, ids only). The job turns it into an ``outbound_mail`` row (mail/service.py) with
In-Reply-To = the customer's latest Message-ID in the conversation, References = the thread's ids and Reply-To
= the business's e-mail channel address; the ``mail.send`` job then sends it through the business's own SMTP
sender when it has one, else the operator's (mail/tenant_sender.py), with its retries. When that e-mail is
settled, :func:`record_settled_mail` moves the message to sent or failed (with the readable reason: a wrong
password reads "535 ... authentication failed", never the password) and remembers our Message-ID, so the
customer's answer to it finds this conversation again.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.channels.email_channels import reply_address
from engium.channels.email_models import INBOUND, OUTBOUND, EmailThreadMessage
from engium.conversations import contacts, delivery
from engium.conversations import service as conversations
from engium.kit.database import Database
from engium.mail import service as mail
from engium.mail.models import FAILED, SENT, OutboundMail
from engium.mail.settings import MailSettings
from engium.tenancy.binding import tenant_transaction

log = logging.getLogger(__name__)

COMPONENT = "channels.email_reply"
NO_ADDRESS = "not sent: the customer has no e-mail address"
MAX_THREAD_IDS = 10


def _subject(session: Session, conversation_id: UUID) -> str:
    subject = session.execute(
        select(EmailThreadMessage.subject)
        .where(EmailThreadMessage.conversation_id == conversation_id, EmailThreadMessage.direction == INBOUND,
               EmailThreadMessage.subject != "")
        .order_by(EmailThreadMessage.created_at.desc()).limit(1)
    ).scalar_one_or_none()
    if not subject:
        return "Your message"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"[:mail.MAX_SUBJECT]


def _thread(session: Session, conversation_id: UUID) -> tuple[str | None, str | None]:
    """(In-Reply-To, References): the customer's latest Message-ID, and the thread's latest ids, oldest first."""
    rows = session.execute(
        select(EmailThreadMessage.rfc_message_id, EmailThreadMessage.direction)
        .where(EmailThreadMessage.conversation_id == conversation_id)
        .order_by(EmailThreadMessage.created_at.desc()).limit(MAX_THREAD_IDS)
    ).all()
    inbound = [rfc for rfc, direction in rows if direction == INBOUND]
    references = " ".join(rfc for rfc, _ in reversed(rows)) or None
    return (inbound[0] if inbound else None), references


def queue_email_reply(database: Database, settings: MailSettings, tenant_id: UUID, message_id: UUID) -> None:
    """Turns the reply into a queued e-mail; a reply that cannot become one is marked failed with the reason."""
    with tenant_transaction(database, tenant_id) as session:
        message = conversations.message_by_id(session, message_id)
        if message is None or message.direction != "outbound" or message.delivery_status != "queued":
            return  # erased, or turned into an e-mail by an earlier run
        conversation = conversations.conversation_by_id(session, message.conversation_id)
        contact = contacts.contact_by_id(session, conversation.contact_id) if conversation is not None else None
        if conversation is None or contact is None or not contact.email:
            conversations.record_delivery(session, message_id, "failed", NO_ADDRESS, datetime.now(UTC))
            return
        in_reply_to, references = _thread(session, conversation.id)
        principal = Principal.system(tenant_id, COMPONENT)
        try:
            mail.queue_mail(session, principal, settings, to=contact.email, subject=_subject(session, conversation.id),
                            body=message.body, contact_id=contact.id,
                            thread=mail.Threading(message_id, in_reply_to, references, reply_address(session)))
        except mail.InvalidMail as exc:
            conversations.record_delivery(session, message_id, "failed", f"not sent: {exc.message}",
                                          datetime.now(UTC))
        except mail.MailNotConfigured as exc:
            conversations.record_delivery(session, message_id, "failed", exc.message, datetime.now(UTC))


def record_settled_mail(session: Session, mail_row: OutboundMail) -> None:
    """The e-mail of a conversation reply was sent or failed: its message follows (mail/sender.py's hook)."""
    if mail_row.message_id is None:
        return
    now = datetime.now(UTC)
    if mail_row.status == FAILED:
        conversations.record_delivery(session, mail_row.message_id, "failed", mail_row.last_error, now)
        return
    if mail_row.status != SENT:
        return
    delivery.record_accepted(session, mail_row.message_id, "email", mail_row.smtp_message_id, now)
    message = conversations.message_by_id(session, mail_row.message_id)
    if message is not None and mail_row.smtp_message_id:
        session.add(EmailThreadMessage(tenant_id=mail_row.tenant_id, rfc_message_id=mail_row.smtp_message_id,
                                       conversation_id=message.conversation_id, direction=OUTBOUND))
