"""The channel sender: sends queued replies on SMS and WhatsApp conversations, one attempt per job run.

An agent's or the assistant's message on an sms or whatsapp conversation queues a ``channels.send``
job in the same transaction (:func:`engium.conversations.outbound.queue_reply`; ids only, never the text)
and marks the message ``queued``. One run of the job (channels/tasks.py) is one attempt:

1. A transaction bound to the job's tenant reads the message, the contact's number and the tenant's
   own credential (decrypted and access-logged as ``credential.used``), and commits before any network
   I/O. Everything is read under that tenant's RLS, so a job can only ever be sent with the credentials
   of the tenant that owns it, and a job naming another tenant's message finds nothing.
2. The provider client makes the request (providers.py).
3. A second transaction records the outcome on the message: 2xx ``sent`` with the provider's id for
   the message (``channel.message_sent``), which its status callbacks name later (delivery_receipts.py);
   4xx other than 408/429 ``failed`` at once; network errors and 5xx raise, so the job runtime retries
   after the backoff, and after the last attempt :meth:`ChannelSender.give_up` marks it ``failed``
   (``channel.send_failed`` and a ``message.delivery_failed`` webhook event). Audit details hold ids,
   provider, status code and attempts: never the text or a phone number.

A Twilio send passes a StatusCallback URL when the tenant has a public base URL; WhatsApp reports
through the tenant's one webhook, configured at Meta.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engium.access.suspension import is_suspended
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.channels import delivery_receipts, providers, store
from engium.channels.inbound import ACCESS_TOKEN_CREDENTIAL, primary_credential
from engium.channels.settings import ChannelSettings
from engium.channels.verify.verification import WebhookRejected
from engium.conversations import contacts, delivery
from engium.conversations import service as conversations
from engium.conversations.models import Message
from engium.conversations.outbound import SENDABLE_CHANNELS
from engium.crypto.keyring import DataKeyRing
from engium.errors import NotFound, database_unavailable
from engium.integrations import service as credentials
from engium.integrations.schemas import CredentialKind
from engium.kit.database import Database
from engium.kit.jobs import Backoff
from engium.privacy import consent
from engium.tenancy.binding import tenant_transaction

log = logging.getLogger(__name__)

COMPONENT = "channels.sender"
# How long a send the provider accepted waits for the database to record it (a restart takes seconds).
SETTLE_PATIENCE_SECONDS = 120.0
ACTOR = (ActorKind.SYSTEM, COMPONENT)
OPTED_OUT = "not sent: the customer opted out (STOP); a START from them resubscribes"
# Words staff can act on, for a send that never reached a provider.
NO_CREDENTIAL = "no {provider} credential is set up for this business (Integrations → add one)"
SETTLED = frozenset({"sent", "delivered", "failed"})
Clock = Callable[[], datetime]
Transport = Callable[[providers.OutboundRequest, ChannelSettings], providers.SendAttempt]


def utc_now() -> datetime:
    return datetime.now(UTC)


class SendFailed(Exception):
    """A transient failure (network, 5xx, 408, 429): the job runtime tries again after the backoff.
    The message is a short summary fit for the tenant's eyes (providers.py writes it)."""


@dataclass
class ChannelSender:
    database: Database
    vault: DataKeyRing
    settings: ChannelSettings
    clock: Clock = utc_now
    transport: Transport = providers.send
    rng: random.Random = field(default_factory=random.SystemRandom)

    @property
    def backoff(self) -> Backoff:
        return Backoff(self.settings.retry_delays_seconds, self.settings.retry_jitter, self.rng)

    def attempt(self, tenant_id: UUID, message_id: UUID, attempt: int) -> None:
        """One send of the message; raises :class:`SendFailed` when it should be tried again."""
        facts: dict[str, object] = {"message_id": message_id, "attempts": attempt}
        with tenant_transaction(self.database, tenant_id) as session:
            try:
                message, request = self._request(session, message_id)
            except providers.NotConfigured as exc:
                # Permanent: retrying cannot create a credential or a phone number.
                self._fail(session, tenant_id, message_id, facts, str(exc), None)
                return
            facts |= {"conversation_id": message.conversation_id, "provider": providers.provider_of(request)}
            if is_suspended(session) and message.delivery_status not in SETTLED:
                # The operator suspended the business (ADR 0040): nothing of it leaves, and staff see why.
                self._fail(session, tenant_id, message_id, facts, "not sent: the business is suspended", None,
                           reason="business suspended")
                return
            if message.delivery_status in SETTLED:
                # An earlier attempt settled it, but its job was not marked finished (the database went
                # away in between, or its worker died): retried jobs resume, they never send twice.
                log.info("message %s of tenant %s is already %s", message_id, tenant_id, message.delivery_status)
                return
        sent = self.transport(request, self.settings)
        # The provider has answered: forgetting that answer would send the message again on retry (no
        # provider takes an idempotency key), so recording it outlasts a database restart.
        patience = time.monotonic() + SETTLE_PATIENCE_SECONDS
        pause = 0.25
        while True:
            try:
                self._settle(tenant_id, message_id, facts, sent)
                return
            except DBAPIError as exc:
                if not database_unavailable(exc) or time.monotonic() > patience:
                    raise
                log.warning("recording the send of message %s waits for the database", message_id)
                time.sleep(pause)
                pause = min(pause * 2, 5.0)

    def _settle(self, tenant_id: UUID, message_id: UUID, facts: dict[str, object], sent: providers.SendAttempt) -> None:
        with tenant_transaction(self.database, tenant_id) as session:
            extra: dict[str, object] = {"status_code": sent.status_code}
            if sent.succeeded:
                delivery.record_accepted(session, message_id, str(facts["provider"]), sent.provider_message_id,
                                         self.clock())
                extra["provider_message_id"] = sent.provider_message_id
                self._audit(session, tenant_id, AuditAction.CHANNEL_MESSAGE_SENT, facts, extra)
                return
            if not sent.retryable:
                self._fail(session, tenant_id, message_id, facts, sent.error or "rejected by the provider",
                           sent.status_code, reason="rejected by the provider", error_code=sent.error_code)
                return
            # Still queued; the error stays visible on the message while the retries run.
            conversations.record_delivery(session, message_id, "queued", sent.error, self.clock())
        log.info("channel send of message %s of tenant %s will be retried (%s)", message_id, tenant_id, sent.error)
        raise SendFailed(sent.error or "send failed")

    def give_up(self, tenant_id: UUID, message_id: UUID, attempts: int, error: BaseException) -> None:
        """The last attempt failed: the message is marked failed, for staff to see and act on."""
        summary = str(error) if isinstance(error, SendFailed) else type(error).__name__
        with tenant_transaction(self.database, tenant_id) as session:
            self._fail(session, tenant_id, message_id, {"message_id": message_id, "attempts": attempts}, summary,
                       None, reason="attempts exhausted")

    def _request(self, session: Session, message_id: UUID) -> tuple[Message, providers.OutboundRequest]:
        message = _message(session, message_id)
        conversation = conversations.conversation_by_id(session, message.conversation_id)
        if conversation is None or conversation.channel not in SENDABLE_CHANNELS:
            raise providers.NotConfigured("the conversation is not on a sendable channel")
        contact = contacts.contact_by_id(session, conversation.contact_id)
        phone = contact.phone if contact is not None else None
        if not phone or not providers.E164.match(phone):
            raise providers.NotConfigured("the contact has no phone number")
        if contact is not None and not consent.may_message(session, contact.id, message.id):
            # Permanent, with the reason staff see on the message: only a START from them lifts it.
            raise providers.NotConfigured(OPTED_OUT)
        caller = credentials.SystemCaller(COMPONENT)
        kind = CredentialKind.TWILIO if conversation.channel == "sms" else CredentialKind.WHATSAPP
        try:
            credential = primary_credential(session, kind)
            if kind is CredentialKind.TWILIO:
                token = credentials.reveal_secret(session, self.vault, caller, credential.id, purpose="channel_send")
                callback = delivery_receipts.twilio_status_callback(session)
                return message, providers.twilio_request(credential.config, phone, message.body, token, callback)
            # The app secret only verifies deliveries; sending needs the Graph API access token, a
            # separate encrypted credential (named by ``access_token_credential``, default "access_token").
            name = str(credential.config.get("access_token_credential") or ACCESS_TOKEN_CREDENTIAL)
            token = credentials.reveal_secret(session, self.vault, caller, (kind, name), purpose="channel_send")
            return message, providers.whatsapp_request(credential.config, phone, message.body, token)
        except (WebhookRejected, NotFound):
            label = "Twilio (SMS)" if kind is CredentialKind.TWILIO else "WhatsApp access token"
            raise providers.NotConfigured(NO_CREDENTIAL.format(provider=label)) from None

    def _fail(self, session: Session, tenant_id: UUID, message_id: UUID, facts: dict[str, object], error: str,
              status_code: int | None, *, reason: str | None = None, error_code: int | None = None) -> None:
        conversations.record_delivery(session, message_id, "failed", error, self.clock())
        self._audit(session, tenant_id, AuditAction.CHANNEL_SEND_FAILED, facts,
                    {"reason": reason or error, "status_code": status_code, "error": error, "error_code": error_code},
                    failed=True)
        provider = facts.get("provider")
        delivery_receipts.announce_failure(session, tenant_id, message_id, str(provider) if provider else None,
                                           error_code)

    @staticmethod
    def _audit(session: Session, tenant_id: UUID, action: AuditAction, facts: dict[str, object],
               extra: dict[str, object], *, failed: bool = False) -> None:
        audit.record(session, None, action, resource_type="message", resource_id=facts.get("message_id") or "",
                     outcome=Outcome.FAILED if failed else Outcome.SUCCESS, tenant_id=tenant_id, actor=ACTOR,
                     details={**facts, **extra})

    def purge_once(self) -> int:
        """Deletes every tenant's replay rows older than the configured retention (never < 7 days)."""
        total = 0
        while True:
            with self.database.transaction() as session:
                deleted = store.purge_deliveries_all_tenants(session, self.settings.retention)
            total += deleted
            if deleted < 5000:
                return total


def _message(session: Session, message_id: UUID) -> Message:
    # Under the bound tenant's RLS: another tenant's message id finds nothing here.
    message = conversations.message_by_id(session, message_id)
    if message is None or message.direction != "outbound":
        raise providers.NotConfigured("the message no longer exists")
    return message
