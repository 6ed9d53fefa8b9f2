"""A verified inbound e-mail (Mailgun route) → contact, conversation, stored message, assistant job (ADR 0046).

Order as for every channel (inbound.py): the channel id found the tenant and the transaction is bound to it;
the channel's own signing key (access-logged) verifies the form; only then is any field read. The token is
claimed in the replay table, and an e-mail whose Message-ID was already stored is a duplicate too.

Threading: a customer's answer names our reply in In-Reply-To / References; the first Message-ID found among
that tenant's e-mail threads *of the same contact* picks the conversation (a forwarded thread from someone else
never lands in another customer's conversation). Otherwise the contact's open e-mail conversation, or a new one.

The customer's words are stored as their message and go to the assistant like every channel's, through the
same turn and guard; nothing from the e-mail is ever read as an instruction. An automatic e-mail (an
out-of-office reply, a bounce) is stored for staff but never answered: no mail loops. The subject must be one line: a
line break in it is a header-injection attempt, refused with 422 and nothing stored.
"""

from __future__ import annotations

import json
import re
from email import policy
from email.errors import HeaderParseError
from email.headerregistry import Address
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.assistant.turn_queue import queue_turn
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.channels import store
from engium.channels.email_channels import channel_by_id
from engium.channels.email_models import INBOUND, EmailThreadMessage
from engium.channels.inbound import IngestOutcome, verified_sender
from engium.channels.verify.mailgun_webhook import verify_mailgun
from engium.channels.verify.webhook_common import RejectReason, VerifiedWebhook, WebhookRejected
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.conversations.models import Conversation
from engium.crypto.keyring import DataKeyRing
from engium.errors import NotFound, Unprocessable
from engium.integrations import service as credentials

PROVIDER = "mailgun"
MAX_SUBJECT = 998
MAX_REFERENCES = 20
_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,500}@[!-;=?-~]{1,400}>")
# Where a quoted earlier e-mail begins, in the forms the common clients write.
_QUOTE_STARTS = (
    re.compile(r"^On .{1,300}wrote:\s*$"),  # Gmail, Apple Mail, Thunderbird
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),  # Outlook
    re.compile(r"^_{10,}\s*$"),  # Outlook's rule above its header block
    re.compile(r"^From: .{1,300}$"),  # a header block after a blank line
    re.compile(r"^Le .{1,300}a écrit\s*:\s*$"), re.compile(r"^El .{1,300}escribió:\s*$"),
    re.compile(r"^Am .{1,300}schrieb .{0,300}:\s*$"),
)


class InvalidInboundMail(Unprocessable):
    """A verified e-mail that cannot be stored as it is (a subject on several lines, no usable sender)."""

    code = "invalid_email"


def strip_quoted(text: str) -> str:
    """The new part of a reply: lines from the first quote marker on are dropped, as are '>'-quoted lines."""
    kept: list[str] = []
    previous_blank = True
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if any(p.match(stripped) for p in _QUOTE_STARTS) and (previous_blank or not stripped.startswith("From:")):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
        previous_blank = not stripped
    return "\n".join(kept).strip()


def message_ids(value: str | None) -> list[str]:
    """The well-formed ``<id@domain>`` ids in a header value, in order, at most :data:`MAX_REFERENCES`."""
    return _MESSAGE_ID.findall(value or "")[-MAX_REFERENCES:]


def _headers(fields: dict[str, str]) -> dict[str, str]:
    """Mailgun posts the MIME headers both as fields and as ``message-headers`` (a JSON list of pairs)."""
    found: dict[str, str] = {}
    try:
        pairs = json.loads(fields.get("message-headers") or "[]")
    except (ValueError, RecursionError):
        pairs = []
    for pair in pairs if isinstance(pairs, list) else ():
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            found.setdefault(pair[0].lower(), pair[1])
    for name in ("message-id", "in-reply-to", "references", "auto-submitted", "precedence"):
        for key, value in fields.items():
            if key.lower() == name:
                found.setdefault(name, value)
    return found


def sender_address(fields: dict[str, str]) -> tuple[str, str]:
    """(address, display name) of the From header, else the envelope sender; :class:`InvalidInboundMail`."""
    raw = fields.get("from") or fields.get("From") or fields.get("sender") or ""
    if any(c in raw for c in "\r\n\0"):
        raise InvalidInboundMail("the sender may not contain line breaks")
    try:
        header = policy.default.header_factory("From", raw)
        addresses: tuple[Address, ...] = getattr(header, "addresses", ())
    except (HeaderParseError, IndexError, ValueError, AttributeError):
        addresses = ()
    if len(addresses) != 1:
        raise InvalidInboundMail("the e-mail must come from exactly one address")
    try:
        checked = validate_email(addresses[0].addr_spec, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidInboundMail("the sender is not a valid e-mail address") from None
    return checked.normalized.lower(), addresses[0].display_name[:200]


def clean_subject(fields: dict[str, str]) -> str:
    subject = fields.get("subject") or fields.get("Subject") or ""
    if any(c in subject for c in "\r\n\0"):
        raise InvalidInboundMail("the subject may not contain line breaks")
    return subject.strip()[:MAX_SUBJECT]


def is_automatic(headers: dict[str, str]) -> bool:
    """An out-of-office reply, a bounce or a list mailing (RFC 3834 Auto-Submitted, or Precedence): stored for
    staff, never answered, or two auto-responders would write to each other for ever."""
    submitted = headers.get("auto-submitted", "no").strip().lower()
    precedence = headers.get("precedence", "").strip().lower()
    return submitted != "no" or precedence in ("bulk", "junk", "list", "auto_reply")


def _threaded(session: Session, contact_id: UUID, ids: list[str]) -> Conversation | None:
    """The contact's e-mail conversation one of these Message-IDs belongs to (newest reference first)."""
    for rfc_id in reversed(ids):
        conversation_id = session.execute(select(EmailThreadMessage.conversation_id).where(
            EmailThreadMessage.rfc_message_id == rfc_id)).scalar_one_or_none()
        if conversation_id is None:
            continue
        conversation = conversations.conversation_by_id(session, conversation_id, for_update=True)
        if conversation is not None and conversation.contact_id == contact_id and conversation.channel == "email":
            return conversation
    return None


def ingest_email(session: Session, vault: DataKeyRing, tenant_id: UUID, channel_id: UUID, body: bytes,
                 content_type: str) -> IngestOutcome:
    channel = channel_by_id(session, channel_id)
    if channel is None:
        raise WebhookRejected(RejectReason.NO_SECRET)
    try:
        secrets = credentials.verification_secrets(session, vault, credentials.SystemCaller("channels.mailgun"),
                                                   channel.credential_id)
    except NotFound:
        raise WebhookRejected(RejectReason.NO_SECRET) from None
    verified = verify_mailgun(body, content_type, [s.reveal_text() for s in secrets])
    sender = verified_sender(tenant_id, PROVIDER)
    fields, headers = verified.fields, _headers(verified.fields)
    subject = clean_subject(fields)
    address, name = sender_address(fields)
    own_ids = message_ids(headers.get("message-id"))
    rfc_id = own_ids[0] if own_ids else f"<{verified.event_id}@inbound.mailgun.invalid>"
    known = session.execute(select(EmailThreadMessage.rfc_message_id).where(
        EmailThreadMessage.rfc_message_id == rfc_id)).scalar_one_or_none()
    if known is not None or not store.claim_delivery(session, tenant_id, PROVIDER, verified.event_id or rfc_id):
        outcome = IngestOutcome(0, 1)
        _received(session, sender, verified, outcome, channel_id)
        return outcome
    text = strip_quoted(fields.get("stripped-text") or fields.get("body-plain") or "")
    contact, _ = contacts.find_or_create_contact(session, sender, "email", address, tenant_id=tenant_id, name=name)
    references = message_ids(headers.get("references")) + message_ids(headers.get("in-reply-to"))
    conversation = _threaded(session, contact.id, references)
    if conversation is None:
        conversation, _ = conversations.open_conversation(session, sender, contact.id, "email")
    message = conversations.add_contact_message(session, sender, conversation, text)
    session.add(EmailThreadMessage(tenant_id=tenant_id, rfc_message_id=rfc_id, conversation_id=conversation.id,
                                   direction=INBOUND, subject=subject))
    store.link_delivery(session, PROVIDER, verified.event_id or rfc_id, message.id)
    if not is_automatic(headers):
        queue_turn(session, tenant_id, conversation.id, message.id)
    outcome = IngestOutcome(1, 0)
    _received(session, sender, verified, outcome, channel_id)
    return outcome


def _received(session: Session, sender: Principal, verified: VerifiedWebhook, outcome: IngestOutcome,
              channel_id: UUID) -> None:
    record(session, sender, AuditAction.WEBHOOK_RECEIVED, resource_type="webhook", resource_id=PROVIDER,
           details={"provider": PROVIDER, "channel_id": channel_id, "stored": outcome.stored,
                    "duplicates": outcome.duplicates,
                    "secret": "current" if verified.matched_secret_index == 0 else "previous"})
