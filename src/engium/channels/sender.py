"""The channel sender: sends queued replies on SMS and WhatsApp conversations, and purges replay rows.

An agent's (later the assistant's) message on an sms or whatsapp conversation enqueues a
``channel.send`` job in the same transaction (:func:`engium.channels.outbound.queue_reply`; ids only,
never the text). Sending
one job is one attempt, in the shape of the webhook delivery worker:

1. ``channel_due_jobs`` (SECURITY DEFINER, migration 0007) names due (tenant, job) pairs; nothing else
   crosses tenants. A transaction bound to that tenant locks the job (SKIP LOCKED), counts the
   attempt, moves ``run_after`` one lease ahead (a sender that dies mid-request leaves a job that
   becomes due again), reads the message, the contact's number and the tenant's own credential
   (decrypted and access-logged as ``credential.used``), and commits before any network I/O.
   Everything is read under the bound tenant's RLS, so a job can only ever be sent with the
   credentials of the tenant that owns it, and a job naming another tenant's message finds nothing.
2. The provider client makes the request (providers.py).
3. A second transaction records the outcome if the claim still holds: 2xx done
   (``channel.message_sent``); 4xx other than 408/429 failed at once; network errors and 5xx retried
   with backoff, failed (``channel.send_failed``) after the last attempt. Audit details hold ids,
   provider, status code and attempts: never the text or a phone number.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.channels import providers, store
from engium.channels.inbound import ACCESS_TOKEN_CREDENTIAL, primary_credential
from engium.channels.outbound import SEND_JOB, SENDABLE_CHANNELS
from engium.channels.settings import ChannelSettings
from engium.channels.verification import WebhookRejected
from engium.conversations import inbound as conversations
from engium.conversations.models import Message
from engium.crypto.keyring import DataKeyRing
from engium.errors import NotFound
from engium.integrations import service as credentials
from engium.integrations.schemas import CredentialKind
from engium.kit.background import BackgroundLoop
from engium.kit.database import Database

log = logging.getLogger(__name__)

COMPONENT = "channels.sender"
ACTOR = (ActorKind.SYSTEM, COMPONENT)
Clock = Callable[[], datetime]
Transport = Callable[[providers.OutboundRequest, ChannelSettings], providers.SendAttempt]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Claimed:
    tenant_id: UUID
    job_id: UUID
    attempts: int
    facts: dict[str, object]  # ids and provider, for the audit log
    request: providers.OutboundRequest


@dataclass
class ChannelSender:
    database: Database
    vault: DataKeyRing
    settings: ChannelSettings
    clock: Clock = utc_now
    transport: Transport = providers.send
    rng: random.Random = field(default_factory=random.SystemRandom)

    def run_once(self, tenants: Collection[UUID] | None = None) -> int:
        """Attempts every due send (up to one batch); returns how many were attempted. ``tenants``
        limits the run to those tenants (operations and tests)."""
        due = store.due_jobs_for(self.database, SEND_JOB, self.clock(), self.settings.batch_size, tenants)
        attempted = 0
        for tenant_id, job_id in due:
            try:
                attempted += self.send_job(tenant_id, job_id)
            except Exception:
                # One tenant's broken row must not stop the others; the log names ids, never content.
                log.exception("channel send job %s of tenant %s failed", job_id, tenant_id)
        return attempted

    def send_job(self, tenant_id: UUID, job_id: UUID) -> bool:
        claimed = self._claim(tenant_id, job_id)
        if claimed is None:
            return False
        attempt = self.transport(claimed.request, self.settings)
        self._settle(claimed, attempt)
        return True

    def _claim(self, tenant_id: UUID, job_id: UUID) -> Claimed | None:
        now = self.clock()
        with self.database.tenant_transaction(tenant_id) as session:
            job = store.lock_due_job(session, job_id, SEND_JOB, now)
            if job is None:
                return None  # taken by another sender, or no longer due
            job.attempts += 1
            job.run_after = now + timedelta(seconds=self.settings.lease_seconds)
            job.updated_at = now
            session.flush()
            facts: dict[str, object] = {
                "job_id": job.id, "message_id": job.payload.get("message_id"),
                "conversation_id": job.payload.get("conversation_id"), "attempts": job.attempts,
            }
            try:
                request = self._request(session, job.payload)
            except providers.NotConfigured as exc:
                # Permanent: retrying cannot create a credential or a phone number.
                job.status, job.last_error = "failed", str(exc)[:500]
                session.flush()
                self._audit(session, tenant_id, AuditAction.CHANNEL_SEND_FAILED, facts,
                            {"reason": str(exc), "status_code": None}, failed=True)
                return None
            facts["provider"] = providers.provider_of(request)
            return Claimed(tenant_id, job.id, job.attempts, facts, request)

    def _request(self, session: Session, payload: dict[str, object]) -> providers.OutboundRequest:
        message = _message(session, payload.get("message_id"))
        conversation = conversations.get_conversation(session, message.conversation_id)
        if conversation is None or conversation.channel not in SENDABLE_CHANNELS:
            raise providers.NotConfigured("the conversation is not on a sendable channel")
        contact = conversations.get_contact(session, conversation.contact_id)
        phone = contact.phone if contact is not None else None
        if not phone or not providers.E164.match(phone):
            raise providers.NotConfigured("the contact has no phone number")
        caller = credentials.SystemCaller(COMPONENT)
        kind = CredentialKind.TWILIO if conversation.channel == "sms" else CredentialKind.WHATSAPP
        try:
            credential = primary_credential(session, kind)
            if kind is CredentialKind.TWILIO:
                token = credentials.reveal_secret(session, self.vault, caller, credential.id, purpose="channel_send")
                return providers.twilio_request(credential.config, phone, message.body, token)
            # The app secret only verifies deliveries; sending needs the Graph API access token, a
            # separate encrypted credential (named by ``access_token_credential``, default "access_token").
            name = str(credential.config.get("access_token_credential") or ACCESS_TOKEN_CREDENTIAL)
            token = credentials.reveal_secret(session, self.vault, caller, (kind, name), purpose="channel_send")
            return providers.whatsapp_request(credential.config, phone, message.body, token)
        except (WebhookRejected, NotFound):
            raise providers.NotConfigured(f"no usable {kind.value} credential") from None

    def backoff(self, attempts: int) -> timedelta | None:
        """The delay before the next attempt after ``attempts`` attempts, or None when none is left."""
        delays = self.settings.retry_delays_seconds
        if attempts > len(delays):
            return None
        jitter = self.settings.retry_jitter
        return timedelta(seconds=delays[attempts - 1] * self.rng.uniform(1 - jitter, 1 + jitter))

    def _settle(self, claimed: Claimed, attempt: providers.SendAttempt) -> None:
        now = self.clock()
        values: dict[str, object] = {"last_error": attempt.error[:500] if attempt.error else None}
        delay = self.backoff(claimed.attempts) if attempt.retryable else None
        if attempt.succeeded:
            values["status"] = "done"
        elif delay is None:
            values["status"] = "failed"
        else:
            values["run_after"] = now + delay
        with self.database.tenant_transaction(claimed.tenant_id) as session:
            if not store.settle_job(session, claimed.job_id, claimed.attempts, values):
                return  # the lease ran out and another attempt took over; its outcome counts
            extra: dict[str, object] = {"status_code": attempt.status_code}
            if attempt.succeeded:
                self._audit(session, claimed.tenant_id, AuditAction.CHANNEL_MESSAGE_SENT, claimed.facts, extra)
            elif values.get("status") == "failed":
                reason = "rejected by the provider" if not attempt.retryable else "attempts exhausted"
                self._audit(session, claimed.tenant_id, AuditAction.CHANNEL_SEND_FAILED, claimed.facts,
                            {**extra, "reason": reason, "error": attempt.error}, failed=True)
            else:
                log.info("channel send job %s of tenant %s will be retried (%s)", claimed.job_id,
                         claimed.tenant_id, attempt.error)

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


def _message(session: Session, raw_id: object) -> Message:
    try:
        message_id = UUID(str(raw_id))
    except ValueError:
        raise providers.NotConfigured("the job names no message") from None
    # Under the bound tenant's RLS: another tenant's message id finds nothing here.
    message = session.execute(select(Message).where(Message.id == message_id)).scalar_one_or_none()
    if message is None or message.direction != "outbound":
        raise providers.NotConfigured("the message no longer exists")
    return message


class ChannelSenderWorker(BackgroundLoop):
    """A background thread: :meth:`ChannelSender.run_once` every ``poll_interval_seconds``, and
    :meth:`ChannelSender.purge_once` every ``purge_interval_seconds`` (first run at start)."""

    def __init__(self, sender: ChannelSender) -> None:
        self.sender = sender
        super().__init__("channel-sender")

    def _run(self) -> None:
        settings = self.sender.settings
        next_purge = time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() >= next_purge:
                next_purge = time.monotonic() + settings.purge_interval_seconds
                try:
                    purged = self.sender.purge_once()
                    if purged:
                        log.info("purged %s inbound delivery ids older than %g days", purged,
                                 settings.delivery_retention_days)
                except Exception:
                    log.exception("inbound delivery purge failed")
            try:
                busy = self.sender.run_once() >= settings.batch_size
            except Exception:
                log.exception("channel send round failed")
                busy = False
            # A full batch means more are waiting: go again at once instead of sleeping.
            if not busy:
                self._stop.wait(settings.poll_interval_seconds)
