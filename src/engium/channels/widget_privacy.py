"""Data-subject requests a customer files from the chat widget, proved with a one-time code (ADR 0031).

A widget visitor names a request (access, export, erasure) and a phone number or an e-mail address. The
answer never says whether it is on file: a challenge row is written either way, and the response is the
same. When the number is a contact's identifier (a number a provider vouched for, never one a visitor
typed into the details form) and the business has an SMS or WhatsApp channel able to send, a six-digit
code goes to that number as an ordinary outbound message: its own conversation, resolved at once so that
it joins no thread the assistant reads, queued for ``channels.send`` with ids only, and refused at the
sender like any message when the number texted STOP. When the address is a contact's ``email`` (never
their ``unverified_email``) and this server has an SMTP sender (ADR 0032), the code goes by e-mail,
queued with ``mail.queue_mail`` for ``mail.send``, the e-mail tied to the contact.

The challenge keeps the code only as a SHA-256 salted with the challenge id and the number or address
(assistant/confirmation_codes.py), so the code is bound to it without it being stored. It expires after
:data:`CODE_TTL`; :data:`MAX_WRONG_CODES` wrong codes void it. The right code files the request for that
contact (privacy/requests.py): received when the visitor asked, its legal clock started when the code
proved control of the number or address, which is sealed under the person's key as the request's
payload, actor ``contact``. Only the visitor whose conversation asked may confirm.

Every step is audited: ``privacy.verification_sent`` (whether a code went, where, and if not why; never
the number or address), ``privacy.verification_failed`` (each wrong code), ``privacy.request_received``
and ``privacy.request_verified``.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.assistant.confirmation_codes import CODE_DIGITS, MAX_WRONG_CODES, code_digest, digest_matches, new_code
from engium.audit.actions import AuditAction, Outcome
from engium.audit.personal import SealingKey, sealer_of
from engium.audit.recorder import record
from engium.channels.inbound import primary_credential
from engium.channels.verify.verification import WebhookRejected
from engium.channels.widget_privacy_models import WidgetPrivacyChallenge
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.conversations.models import Contact
from engium.conversations.outbound import SENDABLE_CHANNELS
from engium.errors import Conflict, NotFound
from engium.integrations.schemas import CredentialKind
from engium.mail.service import InvalidMail, can_send, queue_mail
from engium.mail.settings import MailSettings
from engium.privacy import requests
from engium.privacy.models import PrivacyRequest
from engium.tenancy.service import get_settings

CODE_TTL = timedelta(minutes=10)
COMPONENT = "channels.widget_privacy"
SelfServiceKind = Literal["access", "export", "erasure"]
SendingChannel = Literal["sms", "whatsapp"]
CodeChannel = Literal["sms", "whatsapp", "email"]
# Why no code went (audited for staff, never said to the visitor): the number or address is no contact's;
# the business has no SMS or WhatsApp sender; this server has no SMTP sender; the address on file is not
# one a mail system takes.
NotSent = Literal["not_on_file", "no_text_channel", "no_email_sender", "undeliverable_address"]
_CREDENTIAL_OF: dict[SendingChannel, CredentialKind] = {"sms": CredentialKind.TWILIO,
                                                        "whatsapp": CredentialKind.WHATSAPP}
_WHAT: dict[str, str] = {"access": "see the data we hold about you", "export": "get a copy of your data",
                         "erasure": "delete your data"}
_ASKED: dict[str, str] = {"access": "to see the data it holds about you", "export": "for a copy of your data",
                          "erasure": "to delete your data"}


@dataclass(frozen=True)
class WrongCode:
    """A code that did not match: how many tries remain (0: the challenge is now void)."""

    tries_left: int


def _now() -> datetime:
    return datetime.now(UTC)


def _salt(challenge_id: UUID, address: str) -> str:
    # ``address``: the number (+4477...) or the e-mail address (has an @): the two can never be equal.
    return f"widget-privacy|{challenge_id}|{address}"


def _can_send(session: Session, channel: SendingChannel) -> bool:
    try:
        primary_credential(session, _CREDENTIAL_OF[channel])
    except WebhookRejected:
        return False
    return True


def sending_channel(session: Session, contact_id: UUID) -> SendingChannel | None:
    """Where a code can reach the contact: the channel they last wrote on, if the business can still send
    there; otherwise SMS, otherwise WhatsApp; None when the business has neither."""
    last = contacts.last_channel_among(session, contact_id, tuple(SENDABLE_CHANNELS))
    order: list[SendingChannel] = ["sms", "whatsapp"]
    if last == "whatsapp":
        order.reverse()
    return next((channel for channel in order if _can_send(session, channel)), None)


def _business_name(session: Session) -> str:
    # One line, whatever was typed into the settings: it goes into a text message and an e-mail subject.
    return " ".join(get_settings(session).business_name.split())[:100]


def _send_text(session: Session, tenant_id: UUID, contact_id: UUID, channel: SendingChannel, kind: str,
               code: str) -> None:
    """The code as an outbound message in a conversation of its own, resolved at once (nothing for staff
    to answer, nothing the assistant reads); the send job carries its ids only."""
    sender = Principal.system(tenant_id, COMPONENT)
    business = _business_name(session) or "Your code"
    text = (f"{business}: your code to {_WHAT[kind]} is {code}. It expires in "
            f"{int(CODE_TTL.total_seconds() // 60)} minutes. If you did not ask for this, ignore this message.")
    conversation, _ = conversations.open_conversation(session, sender, contact_id, channel, force_new=True)
    conversations.post_assistant_message(session, sender, conversation, text)
    conversations.resolve(session, sender, conversation.id)


def code_email(business: str, kind: str, code: str) -> tuple[str, str]:
    """Subject and plain-text body of the code's e-mail. The code is in the body only: the body is emptied
    once the e-mail is settled, the subject stays in the delivery log (ADR 0032)."""
    business = business or "the business"
    minutes = int(CODE_TTL.total_seconds() // 60)
    subject = f"{business}: your verification code"
    body = (f"Hello,\n\n"
            f"Someone asked {business} {_ASKED[kind]}, giving this e-mail address in the chat on the "
            f"business's website.\n\n"
            f"Your code: {code}\n\n"
            f"Enter it in the chat within {minutes} minutes to confirm the request: then it expires. It "
            f"works only once.\n\n"
            f"If you did not ask for this, ignore this e-mail: nothing happens without the code.\n\n"
            f"{business}\n")
    return subject, body


def _send_email(session: Session, tenant_id: UUID, contact: Contact, kind: str, code: str,
                mail: MailSettings) -> NotSent | None:
    """Queues the code's e-mail (sent by the ``mail.send`` job); returns why it could not be, or None."""
    assert contact.email is not None  # found by it
    subject, body = code_email(_business_name(session), kind, code)
    try:
        queue_mail(session, Principal.system(tenant_id, COMPONENT), mail, to=contact.email, subject=subject,
                   body=body, contact_id=contact.id)
    except InvalidMail:
        # An address on file that no mail system takes (written around the API's checks): nothing to send.
        return "undeliverable_address"
    return None


def _write_challenge(session: Session, visitor: Principal, challenge_id: UUID, kind: SelfServiceKind, *,
                     via: Literal["phone", "email"], contact: Contact | None, channel: CodeChannel | None,
                     digest: str, not_sent: NotSent | None) -> WidgetPrivacyChallenge:
    now = _now()
    sent = not_sent is None and channel is not None
    challenge = WidgetPrivacyChallenge(
        tenant_id=visitor.tenant_id, id=challenge_id, kind=kind, contact_id=contact.id if contact else None,
        requested_by=visitor.id, channel=channel if sent else None, code_sha256=digest if sent else None,
        wrong_codes=0, created_at=now, expires_at=now + CODE_TTL,
    )
    session.add(challenge)
    session.flush()
    # For staff: whether a code went, where, and if not why. Never the number or the address; the
    # visitor's answer does not say any of it (no enumeration).
    record(session, visitor, AuditAction.PRIVACY_VERIFICATION_SENT, resource_type="privacy_challenge",
           resource_id=challenge_id, details={"kind": kind, "via": via, "contact_id": challenge.contact_id,
                                              "sent": sent, "channel": challenge.channel, "not_sent": not_sent})
    return challenge


def start_challenge(session: Session, visitor: Principal, kind: SelfServiceKind, phone: str) -> WidgetPrivacyChallenge:
    """Writes the challenge and, when the number is a contact's and the business can text it, sends the
    code. ``visitor`` is the widget conversation's contact. The caller answers the same either way."""
    # A code and its digest are made whether or not one is sent: the same work both ways.
    challenge_id, code = uuid.uuid4(), new_code()
    digest = code_digest(_salt(challenge_id, phone), code)
    contact = contacts.contact_by_phone(session, phone)
    channel = sending_channel(session, contact.id) if contact is not None else None
    if contact is not None and channel is not None:
        _send_text(session, visitor.tenant_id, contact.id, channel, kind, code)
    not_sent: NotSent | None = "not_on_file" if contact is None else "no_text_channel" if channel is None else None
    return _write_challenge(session, visitor, challenge_id, kind, via="phone", contact=contact, channel=channel,
                            digest=digest, not_sent=not_sent)


def start_email_challenge(session: Session, visitor: Principal, kind: SelfServiceKind, email: str,
                          mail: MailSettings) -> WidgetPrivacyChallenge:
    """Like :func:`start_challenge` for an e-mail address (lower-cased by the caller): the code goes by
    e-mail when the address is a contact's and this server has an SMTP sender."""
    challenge_id, code = uuid.uuid4(), new_code()
    digest = code_digest(_salt(challenge_id, email), code)
    contact = contacts.contact_by_email(session, email)
    not_sent: NotSent | None = "not_on_file" if contact is None else (
        None if can_send(session, mail) else "no_email_sender")
    if contact is not None and not_sent is None:
        not_sent = _send_email(session, visitor.tenant_id, contact, kind, code, mail)
    return _write_challenge(session, visitor, challenge_id, kind, via="email", contact=contact, channel="email",
                            digest=digest, not_sent=not_sent)


def _challenge(session: Session, visitor: Principal, challenge_id: UUID) -> WidgetPrivacyChallenge:
    found = session.execute(
        select(WidgetPrivacyChallenge).where(WidgetPrivacyChallenge.id == challenge_id).with_for_update()
    ).scalar_one_or_none()
    # Another tenant's (RLS), another visitor's, or none: the same 404.
    if found is None or found.requested_by != visitor.id:
        raise NotFound("no such verification: ask for a new code")
    return found


def confirm(session: Session, visitor: Principal, challenge_id: UUID, code: str) -> PrivacyRequest | WrongCode:
    """Files the request when ``code`` is right. A wrong code is returned (not raised) so that its count is
    committed with the answer; expired, voided and used challenges are refused (409)."""
    challenge = _challenge(session, visitor, challenge_id)
    now = _now()
    if challenge.confirmed_at is not None:
        raise Conflict("this code was already used: your request was received")
    if challenge.voided_at is not None:
        raise Conflict("this code is no longer valid after too many wrong tries: ask for a new code")
    if challenge.expires_at <= now:
        raise Conflict("this code has expired: ask for a new code")
    contact = contacts.contact_by_id(session, challenge.contact_id) if challenge.contact_id else None
    by_email = challenge.channel == "email"
    address = (contact.email if by_email else contact.phone) if contact is not None else None
    # Salted with the number or address the contact holds now: a code sent before staff changed it
    # proves nothing.
    if (contact is None or address is None or challenge.code_sha256 is None
            or not digest_matches(challenge.code_sha256, _salt(challenge.id, address), code)):
        return _wrong(session, visitor, challenge, now)
    person = Principal.contact(challenge.tenant_id, contact.id)
    sealer = sealer_of(session)
    proved = "verified_email" if by_email else "verified_phone"
    supplied = json.dumps({proved: address, "channel": challenge.channel}).encode()
    payload = sealer.seal(session, challenge.tenant_id, SealingKey.of_contact(contact.id), supplied) if sealer else None
    filed = requests.file_verified_request(
        session, person, challenge.kind, contact.id,  # type: ignore[arg-type]  # checked by the table
        received_at=challenge.created_at, verified_at=now, payload=payload,
        evidence={"challenge_id": challenge.id, "channel": challenge.channel},
    )
    challenge.confirmed_at, challenge.request_id = now, filed.id
    session.flush()
    record(session, person, AuditAction.PRIVACY_REQUEST_VERIFIED, resource_type="privacy_request",
           resource_id=filed.id, details={"challenge_id": challenge.id, "method": "one_time_code",
                                          "channel": challenge.channel, "requested_by": challenge.requested_by})
    return filed


def _wrong(session: Session, visitor: Principal, challenge: WidgetPrivacyChallenge, now: datetime) -> WrongCode:
    challenge.wrong_codes += 1
    if challenge.wrong_codes >= MAX_WRONG_CODES:
        challenge.voided_at = now
    session.flush()
    record(session, visitor, AuditAction.PRIVACY_VERIFICATION_FAILED, resource_type="privacy_challenge",
           resource_id=challenge.id, outcome=Outcome.DENIED,
           details={"wrong_codes": challenge.wrong_codes, "voided": challenge.voided_at is not None})
    return WrongCode(MAX_WRONG_CODES - challenge.wrong_codes)


__all__ = ["CODE_DIGITS", "CODE_TTL", "WrongCode", "code_email", "confirm", "sending_channel", "start_challenge",
           "start_email_challenge"]
