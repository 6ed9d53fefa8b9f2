"""Telling a customer about their booking: the confirmation when staff book it, the reminder before it
(ADR 0042). Both go through the customer's own channel, in their language:

* the conversation they last wrote in on SMS, WhatsApp or the website widget gets an assistant message
  (on SMS and WhatsApp its send job is queued with it, by the same path as every reply, so delivery states
  and failures show on it);
* a customer with no such conversation but an e-mail address gets an e-mail (mail/, the operator's SMTP);
* one with only a phone number gets a new SMS conversation.

The language is the one the conversation was last answered in (English when never). A customer who sent
STOP (consent purpose ``messages``) is not written to at all: the record says ``skipped``/``opted_out``.

Every notice is first claimed in ``booking_messages`` (bookings/reminder_store.py): its unique key lets one
transaction have it, so a retried or concurrent job never sends it twice. The claim, the message and the
audit event commit together or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.assistant import state
from engium.assistant.facts import service_label
from engium.assistant.language import supported
from engium.assistant.phrasebook import describe_day, say
from engium.assistant.turn import assistant_principal
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.bookings import catalog, reminder_store
from engium.bookings.models import Booking, Service
from engium.bookings.reminder_store import NoticeKind
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.mail.service import queue_mail
from engium.mail.settings import MailSettings
from engium.privacy import consent

CONVERSATION_CHANNELS = ("sms", "whatsapp", "web")


@dataclass(frozen=True)
class Outcome:
    status: str  # "sent", "skipped" or "already" (claimed before: nothing done)
    reason: str | None = None
    channel: str | None = None


@dataclass
class Describer:
    """Writes a booking as a slot sentence; each service and staff member is read once per batch."""

    zone: ZoneInfo
    now: datetime
    services: dict[UUID, Service] = field(default_factory=dict)
    staff: dict[UUID, str] = field(default_factory=dict)

    def slot(self, session: Session, booking: Booking, language: str) -> str:
        if booking.service_id not in self.services:
            self.services[booking.service_id] = catalog.get_service(session, booking.service_id)
        if booking.staff_id not in self.staff:
            self.staff[booking.staff_id] = catalog.require_staff(session, booking.staff_id).name
        service, staff = self.services[booking.service_id], self.staff[booking.staff_id]
        local = booking.starts_at.astimezone(self.zone)
        return say(language, "slot", service=service_label(service, language), staff=staff,
                   day=describe_day(local.date(), self.now.astimezone(self.zone).date(), language),
                   time=f"{local:%H:%M}")


def compose(kind: NoticeKind, language: str, business: str, booking: str, policy: str, *, replies: bool = True) -> str:
    """The notice's text. ``replies``: where the customer's reply reaches the assistant (not e-mail)."""
    opening = say(language, "booking_reminder" if kind == "reminder" else "booking_confirmation",
                  business=business, booking=booking)
    note = say(language, "no_show_note", policy=policy) if policy else ""
    options = say(language, "reminder_options" if kind == "reminder" else "confirmation_options") if replies else ""
    return opening + note + options


def send_notice(session: Session, tenant_id: UUID, booking: Booking, kind: NoticeKind, *, describer: Describer,
                business: str, policy: str, mail: MailSettings) -> Outcome:
    """Claims, composes and sends one notice in the caller's transaction."""
    record_id = reminder_store.claim(session, tenant_id, booking, kind)
    if record_id is None:
        return Outcome("already")
    principal = assistant_principal(tenant_id)
    contact = contacts.contact_by_id(session, booking.contact_id)
    outcome = Outcome("skipped", "no_channel")
    if contact is None:
        outcome = Outcome("skipped", "no_contact")
    elif consent.opted_out(session, contact.id, "messages"):
        outcome = Outcome("skipped", "opted_out")
    else:
        conversation = conversations.latest_conversation_on(session, contact.id, CONVERSATION_CHANNELS)
        if conversation is None and not contact.email and contact.phone:
            conversation, _ = conversations.open_conversation(session, principal, contact.id, "sms")
        if conversation is not None:
            remembered = state.load(session, conversation.id)
            language = supported(remembered.language if remembered else None)
            text = compose(kind, language, business, describer.slot(session, booking, language), policy)
            message = conversations.post_assistant_message(session, principal, conversation, text)
            reminder_store.settle(session, record_id, channel=conversation.channel, conversation_id=conversation.id,
                                  message_id=message.id)
            outcome = Outcome("sent", channel=conversation.channel)
        elif contact.email and mail.enabled:
            outcome = _email(session, principal, record_id, booking, kind, contact.id, contact.email,
                             describer=describer, business=business, policy=policy, mail=mail)
        elif contact.email:
            outcome = Outcome("skipped", "mail_not_configured")
    if outcome.status == "skipped":
        reminder_store.settle(session, record_id, channel=None, skipped=outcome.reason)
    action = AuditAction.BOOKING_NOTICE_SENT if outcome.status == "sent" else AuditAction.BOOKING_NOTICE_SKIPPED
    record(session, principal, action, resource_type="booking", resource_id=booking.id,
           details={"kind": kind, "booking_id": booking.id, "channel": outcome.channel, "reason": outcome.reason})
    return outcome


def _email(session: Session, principal: Principal, record_id: UUID, booking: Booking, kind: NoticeKind,
           contact_id: UUID, address: str, *, describer: Describer, business: str, policy: str,
           mail: MailSettings) -> Outcome:
    language = "en"  # no conversation to take it from
    text = compose(kind, language, business, describer.slot(session, booking, language), policy, replies=False)
    subject = say(language, "booking_reminder_subject" if kind == "reminder" else "booking_confirmation_subject",
                  business=business)
    mail_id = queue_mail(session, principal, mail, to=address, subject=subject, body=text, contact_id=contact_id)
    reminder_store.settle(session, record_id, channel="email", mail_id=mail_id)
    return Outcome("sent", channel="email")
