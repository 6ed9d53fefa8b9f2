"""The providers' delivery reports: Twilio's signed StatusCallback and the ``statuses`` of WhatsApp's signed
webhook, moving a reply queued → sent → delivered, or failed with the provider's reason.

The order is the inbound one (inbound.py): the route binds the tenant from the URL's public id, the
tenant's own secret verifies the raw bytes, and only then is anything read. A report names the provider's
id for the message; it is looked up under the bound tenant's RLS, so a report signed for tenant A that
names tenant B's id finds nothing. An unknown id, a state the message has already passed (a late "sent"
after "delivered") and a replay all change nothing and are acknowledged, so the provider stops retrying.

A failure, whether the sender's (no credential, a 4xx) or the provider's, is announced the same way:
an audit event and a ``message.delivery_failed`` outbound webhook event (ids, provider, error code; never
the reason text, which stays on the message for staff), for the notification layer to hook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.actions import AuditAction, Outcome
from engium.audit.recorder import record
from engium.channels.inbound import load_secrets, verified_sender
from engium.channels.provider_answers import Provider, clean_title, describe_failure, error_code, valid_message_id
from engium.channels.verify.verification import HeaderSource, verify_twilio
from engium.conversations import delivery
from engium.conversations import service as conversations
from engium.crypto.keyring import DataKeyRing
from engium.integrations.schemas import CredentialKind
from engium.tenancy import service as tenancy
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EventType

FAILED_EVENT: EventType = "message.delivery_failed"
TWILIO_STATUS_PATH = "/webhooks/twilio/{tenant_public_id}/status"
# Provider states → ours. States not listed (accepted, scheduled, queued, sending, receiving…) say
# nothing a queued message does not already say.
TWILIO_STATES = {"sent": "sent", "delivered": "delivered", "read": "delivered",
                 "undelivered": "failed", "failed": "failed", "canceled": "failed"}
WHATSAPP_STATES = {"sent": "sent", "delivered": "delivered", "read": "delivered", "failed": "failed"}
Clock = Callable[[], datetime]


def twilio_status_callback(session: Session) -> str | None:
    """The StatusCallback URL a send of the bound tenant passes to Twilio: its public base URL and public
    id, as the route verifies it; None when no base URL is configured (no callback could be verified)."""
    base = tenancy.get_settings(session).public_base_url
    if not base:
        return None
    public_id = tenancy.get_tenant(session).public_id
    return base.rstrip("/") + TWILIO_STATUS_PATH.format(tenant_public_id=public_id)


def announce_failure(session: Session, tenant_id: UUID, message_id: UUID, provider: str | None,
                     code: int | None) -> None:
    """The outbound webhook event of a failed reply (the audit event is the caller's: who decided differs)."""
    message = conversations.message_by_id(session, message_id)
    if message is None:
        return
    webhooks.emit(session, tenant_id, FAILED_EVENT, {
        "message_id": message.id, "conversation_id": message.conversation_id, "provider": provider,
        "error_code": code,
    })


def apply_report(session: Session, sender: Principal, provider: Provider, provider_message_id: str, state: str,
                 code: int | None, title: str | None, now: datetime) -> bool:
    """One provider report about one message; True when it moved the message."""
    reason = describe_failure(provider, code, title) if state == "failed" else None
    change = delivery.advance(session, provider, provider_message_id, state, reason, now)
    if change is None:
        return False
    failed = state == "failed"
    details: dict[str, object] = {"message_id": change.message_id, "conversation_id": change.conversation_id,
                                  "provider": provider, "status": state, "error_code": code}
    record(session, sender, AuditAction.CHANNEL_DELIVERY_FAILED if failed else AuditAction.CHANNEL_DELIVERY_UPDATED,
           resource_type="message", resource_id=change.message_id,
           outcome=Outcome.FAILED if failed else Outcome.SUCCESS, details=details)
    if failed:
        announce_failure(session, sender.tenant_id, change.message_id, provider, code)
    return True


def ingest_twilio_status(session: Session, vault: DataKeyRing, tenant_id: UUID, body: bytes, headers: HeaderSource,
                         public_url: str, now: datetime) -> bool:
    """Twilio's StatusCallback (form post, ``X-Twilio-Signature`` with the tenant's auth token)."""
    _, secrets = load_secrets(session, vault, CredentialKind.TWILIO)
    verified = verify_twilio(body, headers, secrets, public_url=public_url)
    params = dict(verified.form_params)
    sid = valid_message_id("twilio", params.get("MessageSid") or params.get("SmsSid"))
    state = TWILIO_STATES.get(params.get("MessageStatus") or params.get("SmsStatus") or "")
    if sid is None or state is None:
        return False
    return apply_report(session, verified_sender(tenant_id, "twilio"), "twilio", sid, state,
                        error_code(params.get("ErrorCode")), None, now)


def whatsapp_statuses(payload: object) -> Iterator[tuple[str, str, int | None, str | None]]:
    """``(message id, our state, error code, error title)`` of each status in a verified WhatsApp payload;
    other shapes, unknown states and malformed ids contribute nothing."""
    entries = payload.get("entry") if isinstance(payload, dict) else None
    for entry in entries if isinstance(entries, list) else ():
        changes = entry.get("changes") if isinstance(entry, dict) else None
        for change in changes if isinstance(changes, list) else ():
            value = change.get("value") if isinstance(change, dict) else None
            statuses = value.get("statuses") if isinstance(value, dict) else None
            for status in statuses if isinstance(statuses, list) else ():
                if not isinstance(status, dict):
                    continue
                message_id = valid_message_id("whatsapp", status.get("id"))
                state = WHATSAPP_STATES.get(str(status.get("status")))
                if message_id is None or state is None:
                    continue
                errors = status.get("errors")
                first = errors[0] if isinstance(errors, list) and errors and isinstance(errors[0], dict) else {}
                yield message_id, state, error_code(first.get("code")), clean_title(first.get("title"))


def apply_whatsapp_statuses(session: Session, sender: Principal, payload: object, now: datetime) -> int:
    """Applies every status of a verified WhatsApp delivery; returns how many moved a message."""
    return sum(
        apply_report(session, sender, "whatsapp", message_id, state, code, title, now)
        for message_id, state, code, title in whatsapp_statuses(payload)
    )
