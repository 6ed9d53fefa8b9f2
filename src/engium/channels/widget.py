"""The web chat widget's public API: tenant by public widget key, visitor by conversation token.

* The widget key (``X-Widget-Key``) is public: it is in the tenant's page source. It only says which
  tenant a visitor writes to; it grants no reading. Resolution goes through ``widget_tenant()`` (a
  SECURITY DEFINER function returning only a tenant id), then everything runs under that tenant's RLS.
* Starting a conversation returns a random bearer token; only its SHA-256 is stored. The token grants
  exactly one conversation: reading and writing anything else is impossible with it.
* Identity verification (optional): the tenant's site signs the signed-in user's id and an expiry with
  the widget credential's secret: ``X-Widget-User-Id``, ``X-Widget-User-Expires`` (Unix seconds) and
  ``X-Widget-User-Signature`` = hex HMAC-SHA256(secret, ``f"{user_id}.{expires}"``). A valid signature
  makes the contact ``user:<id>``; a visitor without one gets a fresh anonymous ``anon:<random>``
  contact, so nobody can claim a signed-in user's history by typing their id.
* A signature is refused once its expiry has passed, and when its expiry lies more than
  :data:`SIGNATURE_HORIZON` (24 hours) ahead: a signature that leaks from a browser (a log, a shared HAR
  file) is good for a day at most, and no site can mint one that never expires. Sites sign per page
  view or per session, e.g. with an expiry an hour ahead.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal, remember_for_refusals
from engium.access.suspension import refuse_if_suspended
from engium.analytics import ratings
from engium.assistant.turn_queue import queue_turn
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.channels import store
from engium.channels.verify.verification import RejectReason, WebhookRejected
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.conversations.models import Message
from engium.crypto.keyring import DataKeyRing
from engium.integrations import service as credentials
from engium.integrations.models import IntegrationCredential
from engium.integrations.schemas import CredentialKind
from engium.integrations.widget_keys import METADATA_KEY
from engium.kit.pagination import Cursor
from engium.tenancy.binding import bind_tenant

TOKEN_TTL = timedelta(days=7)
# The furthest ahead an identity signature may expire: bounds what a leaked one is worth.
SIGNATURE_HORIZON = timedelta(hours=24)
_USER_ID = re.compile(r"[A-Za-z0-9_.-]{1,100}")
_SIGNATURE = re.compile(r"[0-9a-f]{64}")
# Unix seconds, without leading zeros: one spelling per instant, and the MAC covers exactly that text.
_EXPIRES = re.compile(r"[1-9][0-9]{0,11}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")


@dataclass(frozen=True)
class WidgetVisitor:
    tenant_id: UUID
    credential: IntegrationCredential


@dataclass(frozen=True)
class StartedConversation:
    conversation_id: UUID
    token: str
    expires_at: datetime
    verified: bool
    contact_id: UUID


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode("ascii")).digest()


def resolve(session: Session, widget_key: str) -> WidgetVisitor:
    tenant_id = store.tenant_for_widget_key(session, widget_key)
    if tenant_id is None:
        raise WebhookRejected(RejectReason.NO_SECRET)
    bind_tenant(session, tenant_id)
    refuse_if_suspended(session)
    matches = [
        c for c in credentials.list_credentials(session)
        if c.kind == CredentialKind.WIDGET.value and c.config.get(METADATA_KEY) == widget_key
    ]
    if len(matches) != 1:
        raise WebhookRejected(RejectReason.MISCONFIGURED)
    return WidgetVisitor(tenant_id, matches[0])


def user_signature(secret: bytes, user_id: str, expires: str) -> str:
    """What the tenant's site sends as ``X-Widget-User-Signature``: hex HMAC-SHA256 over
    ``f"{user_id}.{expires}"``. Unambiguous although user ids may contain dots: ``expires`` has none."""
    return hmac.new(secret, f"{user_id}.{expires}".encode("ascii"), hashlib.sha256).hexdigest()


def verified_user(
    session: Session,
    vault: DataKeyRing,
    visitor: WidgetVisitor,
    user_id: str | None,
    signature: str | None,
    expires: str | None,
    now: datetime | None = None,
) -> str | None:
    """The signed-in user id when the tenant's signature over it and its expiry checks out; None when the
    visitor claims no identity at all.

    A claimed identity without a valid, unexpired signature is refused, not downgraded to anonymous: the
    site meant to identify the visitor, and silently ignoring a bad signature would hide a
    misconfiguration. The old form, signed over the user id alone, has no expiry and is refused."""
    if user_id is None and signature is None and expires is None:
        return None
    if (
        not user_id or not signature or not expires or not _USER_ID.fullmatch(user_id)
        or not _SIGNATURE.fullmatch(signature) or not _EXPIRES.fullmatch(expires)
    ):
        raise WebhookRejected(RejectReason.MALFORMED_HEADER)
    # Compared as numbers: a far-future value need not fit in a datetime to be refused.
    current = (now or datetime.now(UTC)).timestamp()
    if not current < int(expires) <= current + SIGNATURE_HORIZON.total_seconds():
        raise WebhookRejected(RejectReason.TIMESTAMP_OUT_OF_WINDOW)
    keys = credentials.verification_secrets(
        session, vault, credentials.SystemCaller("channels.widget"), visitor.credential.id, purpose="widget_identity"
    )
    matched = False
    for key in keys:
        expected = user_signature(key.reveal(), user_id, expires)
        matched |= hmac.compare_digest(expected.encode("ascii"), signature.encode("ascii"))
    if not matched:
        raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)
    return user_id


def start(
    session: Session, visitor: WidgetVisitor, user_id: str | None, first_message: str | None
) -> StartedConversation:
    widget_id = f"user:{user_id}" if user_id else f"anon:{secrets.token_urlsafe(16)}"
    # The visitor arrives as a new contact (or as the signed-in user's): that contact acts from here on.
    contact, _ = contacts.find_or_create_contact(session, None, "widget_id", widget_id, tenant_id=visitor.tenant_id)
    actor = remember_for_refusals(Principal.contact(visitor.tenant_id, contact.id))
    conversation, _ = conversations.open_conversation(session, actor, contact.id, "web")
    token = secrets.token_urlsafe(32)
    grant = store.add_widget_session(
        session, visitor.tenant_id, token_hash(token), contact.id, conversation.id, TOKEN_TTL
    )
    record(
        session, actor, AuditAction.WIDGET_CONVERSATION_STARTED, resource_type="conversation",
        resource_id=conversation.id, details={"verified": user_id is not None},
    )
    if first_message:
        _add(session, actor, conversation.id, first_message)
    return StartedConversation(conversation.id, token, grant.expires_at, user_id is not None, contact.id)


def granted_conversation(session: Session, visitor: WidgetVisitor, token: str | None) -> tuple[UUID, UUID]:
    """The (conversation id, contact id) the visitor's token grants; refused for any other token. The
    contact is the acting party of whatever the request does next."""
    if not token or not _TOKEN.fullmatch(token):
        raise WebhookRejected(RejectReason.MISSING_HEADER)
    grant = store.find_widget_session(session, token_hash(token))
    if grant is None:
        raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)
    remember_for_refusals(Principal.contact(visitor.tenant_id, grant.contact_id))
    return grant.conversation_id, grant.contact_id


def _add(session: Session, actor: Principal, conversation_id: UUID, body: str) -> Message:
    conversation = conversations.conversation_by_id(session, conversation_id, for_update=True)
    if conversation is None:
        raise WebhookRejected(RejectReason.SIGNATURE_MISMATCH)
    # "4" typed under the satisfaction question is the answer, not a new request: the conversation stays
    # resolved and the assistant is not asked. Anything else reopens a resolved conversation, as in the API.
    answer = ratings.typed_answer(session, conversation_id, body)
    message = conversations.add_contact_message(session, actor, conversation, body, reopens=answer is None)
    if answer is None:
        queue_turn(session, actor.tenant_id, conversation_id, message.id)
    else:
        ratings.give_typed_answer(session, actor, conversation, *answer)
    record(
        session, actor, AuditAction.WIDGET_MESSAGE_RECEIVED, resource_type="message", resource_id=message.id,
        details={"conversation_id": conversation_id},
    )
    return message


def send(session: Session, visitor: WidgetVisitor, token: str | None, body: str) -> Message:
    conversation_id, contact_id = granted_conversation(session, visitor, token)
    return _add(session, Principal.contact(visitor.tenant_id, contact_id), conversation_id, body)


def read(
    session: Session, visitor: WidgetVisitor, token: str | None, limit: int, after: UUID | None = None
) -> list[Message]:
    """The granted conversation's messages, oldest first: from the start, or those after the message
    ``after`` (what a polling widget asks for: usually nothing, in one indexed query). ``limit + 1``
    rows, so the caller can tell whether it reached the newest. An ``after`` that is not a message of this
    conversation reads from the start."""
    conversation_id, _ = granted_conversation(session, visitor, token)
    cursor = None
    if after is not None:
        seen = conversations.message_by_id(session, after)
        if seen is not None and seen.conversation_id == conversation_id:
            cursor = Cursor(seen.created_at, seen.id)
    return conversations.transcript(session, conversation_id, after=cursor, limit=limit)
