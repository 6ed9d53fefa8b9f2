"""Verified inbound deliveries → contact, conversation, stored message, assistant job.

The order in every entry point is fixed: resolve the tenant from the URL's public id (a SECURITY
DEFINER lookup that returns only an id), bind the transaction to it, load the tenant's secrets
(current + previous within its grace period, access-logged), verify the raw bytes, and only then read
what the provider sent. Each provider event id is claimed in ``inbound_deliveries`` first: a retried
delivery finds its id taken and stores nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal, remember_for_refusals
from engium.analytics import ratings
from engium.assistant.turn_queue import queue_turn
from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.channels import store
from engium.channels.keywords import answer_keyword, keyword_of
from engium.channels.verification_reads import VerificationReads
from engium.channels.verify.verification import (
    HeaderSource,
    RejectReason,
    VerifiedWebhook,
    WebhookRejected,
    verify_meta,
    verify_meta_subscription,
    verify_standard_webhook,
    verify_twilio,
)
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.conversations.schemas import normalize_phone
from engium.crypto.keyring import DataKeyRing
from engium.errors import NotFound
from engium.integrations import service as credentials
from engium.integrations.models import IntegrationCredential
from engium.integrations.schemas import CredentialKind
from engium.tenancy import service as tenancy

EVENTS_CREDENTIAL = "inbound"
DEFAULT_CREDENTIAL = "default"
VERIFY_TOKEN_CREDENTIAL = "verify_token"
ACCESS_TOKEN_CREDENTIAL = "access_token"
# Names of auxiliary WhatsApp credentials; never the app secret that signs deliveries.
AUXILIARY_NAMES = frozenset({VERIFY_TOKEN_CREDENTIAL, ACCESS_TOKEN_CREDENTIAL})


@dataclass(frozen=True)
class IngestOutcome:
    stored: int
    duplicates: int
    # Delivery reports (WhatsApp ``statuses``) that moved one of the tenant's replies forward.
    updated: int = 0


# Applies the delivery reports of a verified payload as the verified sender; returns how many moved a reply
# (channels/delivery_receipts.py, passed in by the route so that this module does not depend on it).
StatusHandler = Callable[[Principal, object], int]


def verified_sender(tenant_id: UUID, provider: str) -> Principal:
    """From here on the request is a verified delivery of this tenant: the acting party of what follows."""
    return remember_for_refusals(Principal.webhook(tenant_id, provider))


def primary_credential(session: Session, kind: CredentialKind, name: str | None = None) -> IntegrationCredential:
    """The credential named ``name``; without a name, the one named "default" or else the only one of
    ``kind`` (auxiliary WhatsApp tokens aside). Anything else is a misconfiguration → NO_SECRET."""
    return choose_credential(credentials.list_credentials(session), kind, name)


def choose_credential(
    listed: Sequence[IntegrationCredential], kind: CredentialKind, name: str | None = None
) -> IntegrationCredential:
    """:func:`primary_credential`'s rule over credentials the caller has read."""
    candidates = [c for c in listed if c.kind == kind.value]
    if name is not None:
        candidates = [c for c in candidates if c.name == name]
    else:
        named = [c for c in candidates if c.name == DEFAULT_CREDENTIAL]
        candidates = named or [c for c in candidates if c.name not in AUXILIARY_NAMES]
    if len(candidates) != 1:
        raise WebhookRejected(RejectReason.NO_SECRET)
    return candidates[0]


def load_secrets(
    session: Session, vault: DataKeyRing, kind: CredentialKind, name: str | None = None,
    reads: VerificationReads | None = None,
) -> tuple[IntegrationCredential, list[str]]:
    """``reads``: the credentials and data keys already read with the tenant's binding (ADR 0048)."""
    if reads is None:
        credential = primary_credential(session, kind, name)
    else:
        credential = choose_credential(reads.credentials, kind, name)
    try:
        secrets = credentials.verification_secrets(
            session, vault, credentials.SystemCaller(f"channels.{kind.value}"), credential,
            keys=reads.data_keys if reads is not None else None,
        )
    except NotFound:
        raise WebhookRejected(RejectReason.NO_SECRET) from None
    return credential, [secret.reveal_text() for secret in secrets]


def twilio_public_url(session: Session, path: str, query: str) -> str:
    """The URL Twilio called, from the tenant's configured base URL: Host and X-Forwarded-* are
    attacker-controlled and never consulted. No base URL configured → nothing can verify."""
    return public_url_from(tenancy.get_settings(session).public_base_url, path, query)


def public_url_from(base: str | None, path: str, query: str) -> str:
    """:func:`twilio_public_url` with the base URL the caller read."""
    if not base:
        raise WebhookRejected(RejectReason.MISCONFIGURED)
    return base.rstrip("/") + path + (f"?{query}" if query else "")


def _store(
    session: Session, sender: Principal, event_id: str, *, channel: str, phone: str, body: str
) -> bool:
    tenant_id, provider = sender.tenant_id, sender.component
    if not store.claim_delivery(session, tenant_id, provider, event_id):
        return False
    # "4" answering the satisfaction question is a rating, not a message (analytics/ratings.py).
    if ratings.take_reply(session, sender, channel, phone, body):
        return True
    result = conversations.receive_message(
        session, sender, channel="sms" if channel == "sms" else "whatsapp",
        field="phone", identifier=phone, body=body, delivery=(provider, event_id),
    )
    keyword = keyword_of(body)
    if keyword is not None:
        # STOP, START, HELP: answered by the carrier rules, never by the assistant.
        answer_keyword(session, sender, keyword, channel="sms" if channel == "sms" else "whatsapp",
                       contact_id=result.contact_id, conversation_id=result.conversation_id)
        return True
    queue_turn(session, tenant_id, result.conversation_id, result.message_id)
    return True


def _received(session: Session, sender: Principal, verified: VerifiedWebhook, outcome: IngestOutcome) -> None:
    provider = sender.component
    record(
        session, sender, AuditAction.WEBHOOK_RECEIVED, resource_type="webhook", resource_id=provider,
        details={
            "provider": provider, "stored": outcome.stored, "duplicates": outcome.duplicates,
            "delivery_reports": outcome.updated,
            # Which secret matched: an operator sees when the previous one of a rotation is unused.
            "secret": "current" if verified.matched_secret_index == 0 else "previous",
        },
    )


def ingest_twilio(
    session: Session, vault: DataKeyRing, tenant_id: UUID, body: bytes, headers: HeaderSource, public_url: str,
    reads: VerificationReads | None = None,
) -> IngestOutcome:
    _, secrets = load_secrets(session, vault, CredentialKind.TWILIO, reads=reads)
    verified = verify_twilio(body, headers, secrets, public_url=public_url)
    twilio = verified_sender(tenant_id, "twilio")
    params = dict(verified.form_params)
    stored = duplicates = 0
    number = _phone(params.get("From", ""))
    if verified.event_id and number:
        if _store(session, twilio, verified.event_id, channel="sms", phone=number, body=params.get("Body", "")):
            stored = 1
        else:
            duplicates = 1
    outcome = IngestOutcome(stored, duplicates)
    _received(session, twilio, verified, outcome)
    return outcome


def _phone(raw: str) -> str | None:
    try:
        return normalize_phone(raw if raw.startswith("+") else f"+{raw}")
    except ValueError:
        return None


def _whatsapp_messages(payload: object) -> list[tuple[str, str, str]]:
    """``(message id, sender, text)`` of each inbound message; other shapes contribute nothing."""
    found: list[tuple[str, str, str]] = []
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else ():
            value = change.get("value") if isinstance(change, dict) else None
            messages = value.get("messages") if isinstance(value, dict) else None
            for message in messages if isinstance(messages, list) else ():
                if not isinstance(message, dict):
                    continue
                message_id, sender = message.get("id"), message.get("from")
                text = message.get("text")
                body = text.get("body") if isinstance(text, dict) else None
                if isinstance(message_id, str) and message_id and isinstance(sender, str):
                    found.append((message_id[:256], sender, body if isinstance(body, str) else ""))
    return found


def ingest_whatsapp(
    session: Session, vault: DataKeyRing, tenant_id: UUID, body: bytes, headers: HeaderSource,
    statuses: StatusHandler | None = None,
) -> IngestOutcome:
    _, secrets = load_secrets(session, vault, CredentialKind.WHATSAPP)
    verified = verify_meta(body, headers, secrets)
    meta = verified_sender(tenant_id, "whatsapp")
    stored = duplicates = 0
    for message_id, number, text in _whatsapp_messages(verified.payload):
        phone = _phone(number)
        if phone is None:
            continue
        if _store(session, meta, message_id, channel="whatsapp", phone=phone, body=text):
            stored += 1
        else:
            duplicates += 1
    updated = statuses(meta, verified.payload) if statuses is not None else 0
    outcome = IngestOutcome(stored, duplicates, updated)
    _received(session, meta, verified, outcome)
    return outcome


def whatsapp_handshake(session: Session, vault: DataKeyRing, query: str) -> str:
    """The subscription handshake. The verify token is a secret too: it lives in its own encrypted
    credential (kind whatsapp, named by the app-secret credential's ``verify_token_credential``
    metadata, default "verify_token"), never in plain-text metadata."""
    app = primary_credential(session, CredentialKind.WHATSAPP)
    name = app.config.get("verify_token_credential") or VERIFY_TOKEN_CREDENTIAL
    _, tokens = load_secrets(session, vault, CredentialKind.WHATSAPP, str(name))
    return verify_meta_subscription(query, tokens)


def ingest_event(
    session: Session, vault: DataKeyRing, tenant_id: UUID, body: bytes, headers: HeaderSource
) -> IngestOutcome:
    """A Standard Webhooks event from the tenant's own systems. ``message.received`` events
    (``{"type": "message.received", "data": {"phone": "+1...", "text": "..."}}``) become inbound SMS-less
    web messages; every other verified event is recorded and acknowledged."""
    _, secrets = load_secrets(session, vault, CredentialKind.WEBHOOK_ENDPOINT, EVENTS_CREDENTIAL)
    verified = verify_standard_webhook(body, headers, secrets)
    sender = verified_sender(tenant_id, "events")
    event_id = verified.event_id or ""
    if not store.claim_delivery(session, tenant_id, "events", event_id):
        outcome = IngestOutcome(0, 1)
        _received(session, sender, verified, outcome)
        return outcome
    stored = 0
    event = _json(body)
    data = event.get("data") if event.get("type") == "message.received" else None
    if isinstance(data, dict) and isinstance(data.get("text"), str):
        contact = _event_contact(data)
        if contact is not None:
            field, value = contact
            result = conversations.receive_message(
                session, sender, channel="web", field=field, identifier=value, body=data["text"],
                delivery=("events", event_id),
            )
            queue_turn(session, tenant_id, result.conversation_id, result.message_id)
            stored = 1
    outcome = IngestOutcome(stored, 0)
    _received(session, sender, verified, outcome)
    return outcome


def _json(body: bytes) -> dict[str, object]:
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _event_contact(data: dict[str, object]) -> tuple[contacts.IdentifierField, str] | None:
    phone = data.get("phone")
    if isinstance(phone, str) and (normalized := _phone(phone)):
        return "phone", normalized
    widget_id = data.get("widget_id")
    if isinstance(widget_id, str) and 1 <= len(widget_id) <= 128 and widget_id.replace(":", "").isalnum():
        return "widget_id", f"ext:{widget_id}"[:128]
    return None


__all__: Sequence[str] = ["IngestOutcome", "ingest_event", "ingest_twilio", "ingest_whatsapp", "whatsapp_handshake"]
