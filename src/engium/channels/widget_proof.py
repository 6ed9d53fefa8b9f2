"""A widget visitor proves the phone number or e-mail address they stated with a one-time code (ADR 0043).

The details form (``PUT /widget/v1/contact``) stores what the visitor typed as *unverified* details; then a
six-digit code drawn with :mod:`secrets` goes to it: by e-mail through the operator's SMTP sender
(``mail.queue_mail`` for the ``mail.send`` job) when an address was given and the server can send mail,
else by text message through the business's SMS channel. A number the business cannot text is refused
(422, asking for an e-mail address instead), and so is an address when this server sends no mail.

The code is stored only as a SHA-256 salted with the proof's id, the conversation and the number or
address, compared in constant time: a code is good for the conversation that asked, for the detail it
was sent to (a visitor who changes their details afterwards needs a new code), for
:data:`CODE_TTL`, and for :data:`MAX_WRONG_CODES` tries; a new code voids the one before. Sends are
limited per conversation and per address (:data:`SENDS_PER_CONVERSATION`, :data:`SENDS_PER_ADDRESS`
within :data:`SEND_WINDOW`), so the form cannot be used to flood someone's inbox or phone.

The right code makes the conversation the customer's: if a contact of this business already holds the
number or address (the SMS customer, an earlier proven visitor), the visitor's contact is merged into it
(privacy/contact_merge.py: the conversation, its consents and this proof move, audited as
``contact.merged``), so the assistant now sees, moves and cancels that customer's bookings from any
channel. Otherwise the detail becomes the visitor's contact's identifier. Either way the conversation
counts as verified (:func:`proven`), and a booking proposed in it is made on the customer's contact.

A proof belongs to one tenant: every read and write runs under the widget key's tenant's RLS, and only a
contact *of that tenant* holding the detail is ever linked.

Audited: ``contact.proof_sent`` (channel, never the number or address), ``contact.proof_failed`` (each
wrong code) and ``contact.proof_verified`` (how the conversation was linked).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from uuid import UUID

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.assistant.confirmation_codes import CODE_DIGITS, code_digest, digest_matches, new_code
from engium.audit.actions import AuditAction, Outcome
from engium.audit.recorder import record
from engium.channels.inbound import primary_credential
from engium.channels.verify.verification import RejectReason, WebhookRejected
from engium.channels.widget import WidgetVisitor, granted_conversation
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.conversations.contact_proof_models import ContactProof
from engium.conversations.models import Contact
from engium.conversations.proven_contacts import proven
from engium.errors import Conflict, TooManyRequests, Unprocessable
from engium.integrations.schemas import CredentialKind
from engium.mail.service import InvalidMail, can_send, queue_mail
from engium.mail.settings import MailSettings
from engium.privacy.contact_merge import merge_contacts
from engium.tenancy.service import get_settings

CODE_TTL = timedelta(minutes=10)
MAX_WRONG_CODES = 5
SEND_WINDOW = timedelta(hours=1)
SENDS_PER_CONVERSATION = 3
SENDS_PER_ADDRESS = 5
COMPONENT = "channels.widget_proof"
ProofChannel = Literal["email", "sms"]

NOTHING_STATED = "Give your name and a phone number or e-mail address first."
NO_TEXT_CHANNEL = ("We can't text a code to a phone number here: please give an e-mail address instead, and we "
                   "will e-mail you the code.")
NO_MAIL_SENDER = ("We can't e-mail a code from here: please give a phone number instead, and we will text you "
                  "the code.")
NO_WAY_TO_SEND = ("This business can't send confirmation codes at the moment, so a booking can't be confirmed in "
                  "the chat. Please contact the business directly.")
UNDELIVERABLE = "We can't send a code to that e-mail address: please check it, or give a phone number."
TOO_MANY_SENDS = "Too many codes were sent for this conversation. Please wait a while before asking for another."
TOO_MANY_FOR_ADDRESS = "Too many codes were sent to this number or address. Please wait a while before asking again."
NO_CODE = "No code has been sent for this conversation: ask for a code first."
ALREADY_PROVEN = "Your details are already confirmed."
VOIDED = "This code is no longer valid after too many wrong tries: ask for a new code."
EXPIRED = "This code has expired: ask for a new code."


@dataclass(frozen=True)
class CodeSent:
    channel: ProofChannel
    expires_at: datetime


@dataclass(frozen=True)
class WrongCode:
    """A code that did not match: how many tries remain (0: the code is now void)."""

    tries_left: int


@dataclass(frozen=True)
class Proven:
    """The conversation now belongs to this contact; ``linked``: whether an existing customer's."""

    contact_id: UUID
    linked: bool


def _now() -> datetime:
    return datetime.now(UTC)


def _address_digest(tenant_id: UUID, address: str) -> str:
    # Salted with the tenant, so the same number gives unrelated digests in two businesses.
    return hashlib.sha256(f"contact-proof-address|{tenant_id}|{address}".encode()).hexdigest()


def _salt(proof_id: UUID, conversation_id: UUID, address: str) -> str:
    return f"contact-proof|{proof_id}|{conversation_id}|{address}"


def _can_text(session: Session) -> bool:
    try:
        primary_credential(session, CredentialKind.TWILIO)
    except WebhookRejected:
        return False
    return True


def _destination(session: Session, contact: Contact, mail: MailSettings) -> tuple[ProofChannel, str]:
    """Where the code goes: the stated e-mail address when this server sends mail, else the stated number
    when the business can text; a clear refusal otherwise."""
    mails, texts = can_send(session, mail), _can_text(session)
    if contact.unverified_email and mails:
        return "email", contact.unverified_email
    if contact.unverified_phone and texts:
        return "sms", contact.unverified_phone
    if (contact.unverified_phone or contact.unverified_email) and not (mails or texts):
        # Neither way works: asking for the other detail would only send the visitor round in a circle.
        raise Unprocessable(NO_WAY_TO_SEND)
    if contact.unverified_phone:
        raise Unprocessable(NO_TEXT_CHANNEL, details={"field": "email"})
    if contact.unverified_email:
        raise Unprocessable(NO_MAIL_SENDER, details={"field": "phone"})
    raise Unprocessable(NOTHING_STATED)


def _business_name(session: Session) -> str:
    # One line, whatever was typed into the settings: it goes into a text message and an e-mail subject.
    return " ".join(get_settings(session).business_name.split())[:100] or "Your booking"


def code_email(business: str, code: str) -> tuple[str, str]:
    """Subject and plain-text body of the code's e-mail; the code is in the body only (the body is emptied
    once the e-mail is settled, the subject stays in the delivery log, ADR 0032)."""
    minutes = int(CODE_TTL.total_seconds() // 60)
    subject = f"{business}: your confirmation code"
    body = (f"Hello,\n\nSomeone gave this e-mail address in the chat on {business}'s website to book an "
            f"appointment.\n\nYour code: {code}\n\nEnter it in the chat within {minutes} minutes. It works only "
            f"once.\n\nIf this was not you, ignore this e-mail: nothing is booked without the code.\n\n{business}\n")
    return subject, body


def _send(session: Session, tenant_id: UUID, contact: Contact, channel: ProofChannel, address: str, code: str,
          mail: MailSettings) -> None:
    sender = Principal.system(tenant_id, COMPONENT)
    business = _business_name(session)
    if channel == "email":
        subject, body = code_email(business, code)
        try:
            queue_mail(session, sender, mail, to=address, subject=subject, body=body, contact_id=contact.id)
        except InvalidMail:
            raise Unprocessable(UNDELIVERABLE, details={"field": "email"}) from None
        return
    # A text goes to a contact's number: the contact holding it, created if none does yet (as an inbound
    # text from it would), in a conversation of its own, resolved at once so the assistant never reads it.
    holder, _ = contacts.find_or_create_contact(session, sender, "phone", address, tenant_id=tenant_id)
    text = (f"{business}: your code is {code}. Enter it in the chat within {int(CODE_TTL.total_seconds() // 60)} "
            f"minutes. If this was not you, ignore this message.")
    conversation, _ = conversations.open_conversation(session, sender, holder.id, "sms", force_new=True)
    conversations.post_assistant_message(session, sender, conversation, text)
    conversations.resolve(session, sender, conversation.id)


def _sent_since(session: Session, condition: ColumnElement[bool]) -> int:
    since = _now() - SEND_WINDOW
    return int(session.execute(
        select(func.count()).select_from(ContactProof).where(ContactProof.created_at > since, condition)
    ).scalar_one())


def send_code(session: Session, visitor: WidgetVisitor, token: str | None, mail: MailSettings) -> CodeSent:
    """Sends a new code for the visitor's stated number or address (voiding any earlier one)."""
    conversation_id, contact_id = granted_conversation(session, visitor, token)
    contact = contacts.contact_by_id(session, contact_id)
    if contact is None:
        raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)  # the grant outlived its contact
    if proven(session, conversation_id, contact_id):
        raise Conflict(ALREADY_PROVEN)
    channel, address = _destination(session, contact, mail)
    address_digest = _address_digest(visitor.tenant_id, address)
    if _sent_since(session, ContactProof.conversation_id == conversation_id) >= SENDS_PER_CONVERSATION:
        raise TooManyRequests(TOO_MANY_SENDS)
    if _sent_since(session, ContactProof.address_sha256 == address_digest) >= SENDS_PER_ADDRESS:
        raise TooManyRequests(TOO_MANY_FOR_ADDRESS)
    now = _now()
    session.execute(update(ContactProof).where(
        ContactProof.conversation_id == conversation_id, ContactProof.confirmed_at.is_(None),
        ContactProof.voided_at.is_(None)).values(voided_at=now))
    proof_id, code = uuid.uuid4(), new_code()
    _send(session, visitor.tenant_id, contact, channel, address, code, mail)
    proof = ContactProof(
        tenant_id=visitor.tenant_id, id=proof_id, contact_id=contact_id, conversation_id=conversation_id,
        channel=channel, address_sha256=address_digest,
        code_sha256=code_digest(_salt(proof_id, conversation_id, address), code), wrong_codes=0, created_at=now,
        expires_at=now + CODE_TTL,
    )
    session.add(proof)
    session.flush()
    record(session, Principal.contact(visitor.tenant_id, contact_id), AuditAction.CONTACT_PROOF_SENT,
           resource_type="contact_proof", resource_id=proof_id,
           details={"channel": channel, "conversation_id": conversation_id})
    return CodeSent(channel, proof.expires_at)


def _latest(session: Session, conversation_id: UUID, contact_id: UUID) -> ContactProof | None:
    return session.execute(
        select(ContactProof).where(ContactProof.conversation_id == conversation_id,
                                   ContactProof.contact_id == contact_id)
        .order_by(ContactProof.created_at.desc()).limit(1).with_for_update()
    ).scalar_one_or_none()


def verify_code(session: Session, visitor: WidgetVisitor, token: str | None, code: str) -> Proven | WrongCode:
    """Proves the stated detail when ``code`` is the latest one sent for this conversation. A wrong code is
    returned (not raised) so that its count commits with the answer; a used, void or expired code is 409."""
    conversation_id, contact_id = granted_conversation(session, visitor, token)
    actor = Principal.contact(visitor.tenant_id, contact_id)
    proof = _latest(session, conversation_id, contact_id)
    now = _now()
    if proof is None:
        raise Conflict(NO_CODE)
    if proof.confirmed_at is not None:
        raise Conflict(ALREADY_PROVEN)
    if proof.voided_at is not None:
        raise Conflict(VOIDED)
    if proof.expires_at <= now:
        raise Conflict(EXPIRED)
    contact = contacts.contact_by_id(session, contact_id)
    address = None if contact is None else (
        contact.unverified_email if proof.channel == "email" else contact.unverified_phone)
    # Salted with the detail the contact states now: a code sent before the visitor changed it proves nothing.
    if contact is None or address is None or not digest_matches(
            proof.code_sha256, _salt(proof.id, conversation_id, address), code):
        proof.wrong_codes += 1
        if proof.wrong_codes >= MAX_WRONG_CODES:
            proof.voided_at = now
        session.flush()
        record(session, actor, AuditAction.CONTACT_PROOF_FAILED, resource_type="contact_proof", resource_id=proof.id,
               outcome=Outcome.DENIED,
               details={"wrong_codes": proof.wrong_codes, "voided": proof.voided_at is not None})
        return WrongCode(MAX_WRONG_CODES - proof.wrong_codes)
    proof.confirmed_at = now
    session.flush()
    proved = _link(session, actor, contact, "email" if proof.channel == "email" else "phone", address)
    record(session, actor, AuditAction.CONTACT_PROOF_VERIFIED, resource_type="contact_proof", resource_id=proof.id,
           details={"channel": proof.channel, "conversation_id": conversation_id, "contact_id": proved.contact_id,
                    "linked_to_existing_contact": proved.linked})
    return proved


def _link(session: Session, actor: Principal, contact: Contact, field: Literal["email", "phone"],
          address: str) -> Proven:
    """The conversation becomes the customer's who holds ``address`` in this tenant, or the detail becomes
    the visitor's contact's identifier when nobody holds it."""
    holder = contacts.contact_by_email(session, address) if field == "email" else contacts.contact_by_phone(
        session, address)
    # Proven now: no longer the visitor's mere claim (and not taken over by the holder as one in the merge).
    setattr(contact, f"unverified_{field}", None)
    if holder is not None and holder.id != contact.id:
        session.flush()
        merge_contacts(session, actor, contact.id, holder.id)
        return Proven(holder.id, True)
    if holder is None:
        setattr(contact, field, address)
        contact.updated_at = _now()
        session.flush()
    return Proven(contact.id, False)


__all__ = ["CODE_DIGITS", "CODE_TTL", "MAX_WRONG_CODES", "CodeSent", "Proven", "WrongCode", "code_email",
           "proven", "send_code", "verify_code"]
