"""Delivering one outbound webhook: sign it, POST it, record the result. One job run, one attempt.

Emitting an event queues a ``webhooks.deliver`` job per delivery row in the same transaction
(service.py); the job runtime runs each once across all workers (webhooks/tasks.py). An attempt:

1. A transaction bound to the delivery's tenant locks the row if it is still pending, counts the
   attempt and decrypts the secrets (access-logged as ``credential.used``). It commits before any
   network I/O: no transaction or row lock is held while a tenant's server takes its time.
2. The SSRF guard resolves and checks the URL again (DNS may have changed since registration) and the
   request goes to the checked address only; redirects are not followed.
3. A second transaction records the outcome: 2xx delivered (``webhook.delivered``); 410 Gone disables
   the endpoint and dead-letters; anything else records when the next attempt is due and asks the job
   runtime for it (:class:`~engium.kit.jobs.RetryLater`), or dead-letters (``webhook.dead_lettered``)
   after the last attempt.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx2
from sqlalchemy.orm import Session

from engium.access.suspension import is_suspended
from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.crypto.keyring import DataKeyRing
from engium.crypto.secret import SecretBytes
from engium.errors import NotFound
from engium.integrations import service as credentials
from engium.integrations.schemas import CredentialKind
from engium.kit.database import Database
from engium.kit.http_errors import describe_http_error
from engium.kit.jobs import Backoff, RetryLater
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import repository as repo
from engium.webhooks import signing, ssrf
from engium.webhooks.service import SIGNING_KEY_NAME
from engium.webhooks.settings import WebhookSettings

log = logging.getLogger(__name__)

COMPONENT = "webhooks.delivery"
ACTOR = (ActorKind.SYSTEM, COMPONENT)
USER_AGENT = "Engium-Webhooks/1"
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Attempt:
    """What one HTTP attempt produced. ``error`` is a short summary written for the tenant's delivery
    log: it never holds the response body, the URL's path or query, a header or an exception's text."""

    status_code: int | None = None
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


@dataclass
class Claimed:
    tenant_id: UUID
    delivery_id: UUID
    endpoint_id: UUID
    attempts: int
    url: str
    body: bytes
    secrets: list[SecretBytes]
    signing_key: SecretBytes | None


def send(destination: ssrf.Destination, headers: dict[str, str], body: bytes, settings: WebhookSettings) -> Attempt:
    """POSTs to the pinned address. ``trust_env=False``: an environment proxy would connect to the host
    name itself and undo the pinning. The response body is never read: only the status counts."""
    extensions = {"sni_hostname": destination.host} if destination.scheme == "https" else {}
    timeout = httpx2.Timeout(settings.timeout_seconds, connect=settings.connect_timeout_seconds)
    try:
        with (
            httpx2.Client(follow_redirects=False, trust_env=False, timeout=timeout) as client,
            client.stream(
                "POST", destination.pinned_url, content=body,
                headers={**headers, "Host": destination.host_header, "User-Agent": USER_AGENT},
                extensions=extensions,
            ) as response,
        ):
            code = response.status_code
    except httpx2.HTTPError as exc:
        return Attempt(error=describe_http_error(exc))
    if 300 <= code < 400:
        return Attempt(code, f"HTTP {code}: redirects are not followed")
    return Attempt(code, None if 200 <= code < 300 else f"HTTP {code}")


Sender = Callable[[ssrf.Destination, dict[str, str], bytes, WebhookSettings], Attempt]


@dataclass
class Dispatcher:
    database: Database
    vault: DataKeyRing
    settings: WebhookSettings
    clock: Clock = utc_now
    resolver: ssrf.Resolver | None = None
    sender: Sender = send
    rng: random.Random = field(default_factory=random.SystemRandom)

    @property
    def retries(self) -> Backoff:
        return Backoff(self.settings.retry_delays_seconds, self.settings.retry_jitter, self.rng)

    def deliver(self, tenant_id: UUID, delivery_id: UUID) -> bool:
        """One attempt; False when there was nothing to attempt (delivered, or reset by a redelivery).
        Raises :class:`RetryLater` when another attempt is due."""
        claimed = self._claim(tenant_id, delivery_id)
        if claimed is None:
            return False
        try:
            destination = ssrf.check(claimed.url, self.settings, self.resolver)
        except ssrf.UnsafeDestination as exc:
            attempt = Attempt(error=f"refused: {exc}")
        else:
            timestamp = int(self.clock().timestamp())
            headers = signing.headers(str(claimed.delivery_id), timestamp, claimed.body, claimed.secrets,
                                      claimed.signing_key)
            attempt = self.sender(destination, headers, claimed.body, self.settings)
        delay = self._settle(claimed, attempt)
        if delay is not None:
            raise RetryLater(delay, attempt.error or "not delivered")
        return True

    def _claim(self, tenant_id: UUID, delivery_id: UUID) -> Claimed | None:
        now = self.clock()
        with tenant_transaction(self.database, tenant_id) as session:
            delivery = repo.for_attempt(session, delivery_id)
            if delivery is None:
                return None  # delivered or dead already (a retry after a lost worker), or redelivered
            endpoint = repo.get_endpoint(session, delivery.endpoint_id)
            # A suspended business sends nothing, queued or not; staff can redeliver once it is restored.
            refusal = ("endpoint disabled" if endpoint is None or not endpoint.active
                       else "business suspended" if is_suspended(session) else None)
            if endpoint is None or refusal is not None:
                delivery.status, delivery.next_attempt_at = "dead", None
                delivery.last_error = refusal
                session.flush()
                self._audit(session, tenant_id, AuditAction.WEBHOOK_DEAD_LETTERED, delivery_id,
                            {"endpoint_id": delivery.endpoint_id, "attempts": delivery.attempts,
                             "reason": refusal})
                return None
            delivery.attempts += 1
            delivery.last_attempt_at = now
            delivery.next_attempt_at = now  # under way; the outcome sets the next one, or none
            session.flush()
            caller = credentials.SystemCaller(COMPONENT)
            secrets = credentials.verification_secrets(
                session, self.vault, caller, endpoint.credential_id, purpose="webhook_signing"
            )
            try:
                signing_key: SecretBytes | None = credentials.reveal_secret(
                    session, self.vault, caller, (CredentialKind.WEBHOOK_ENDPOINT, SIGNING_KEY_NAME),
                    purpose="webhook_signing",
                )
            except NotFound:
                # Someone deleted the key pair through the integrations API: v1 alone still verifies,
                # and the next endpoint created generates a new pair.
                signing_key = None
            # Compact, key-sorted JSON: the same bytes on every attempt of this delivery.
            body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
            return Claimed(tenant_id, delivery_id, endpoint.id, delivery.attempts, endpoint.url, body, secrets,
                           signing_key)

    def _settle(self, claimed: Claimed, attempt: Attempt) -> timedelta | None:
        """Records the attempt; returns the wait before the next one, or None when there is none."""
        now = self.clock()
        error = attempt.error[:300] if attempt.error else None
        outcome: dict[str, object] = {"last_status_code": attempt.status_code, "last_error": error}
        delay = None if attempt.gone else self.retries.after(claimed.attempts)
        if attempt.succeeded:
            outcome |= {"status": "delivered", "next_attempt_at": None, "last_error": None}
        elif delay is None:
            outcome |= {"status": "dead", "next_attempt_at": None}
        else:
            outcome |= {"next_attempt_at": now + delay}
        details = {"endpoint_id": claimed.endpoint_id, "attempts": claimed.attempts,
                   "status_code": attempt.status_code}
        with tenant_transaction(self.database, claimed.tenant_id) as session:
            if not repo.settle(session, claimed.delivery_id, claimed.attempts, outcome):
                return None  # an operator redelivered it meanwhile: that job owns it now
            if attempt.succeeded:
                self._audit(session, claimed.tenant_id, AuditAction.WEBHOOK_DELIVERED, claimed.delivery_id, details)
                return None
            if attempt.gone:
                repo.disable_endpoint(session, claimed.endpoint_id, "the endpoint answered 410 Gone", now)
            if outcome.get("status") == "dead":
                reason = "endpoint gone (410)" if attempt.gone else "attempts exhausted"
                self._audit(session, claimed.tenant_id, AuditAction.WEBHOOK_DEAD_LETTERED, claimed.delivery_id,
                            {**details, "reason": reason, "error": attempt.error})
        return None if attempt.succeeded else delay

    def give_up(self, tenant_id: UUID, delivery_id: UUID, error: BaseException) -> None:
        """Attempts kept failing before a response was even recorded (a bug, an outage): dead-letter the
        row so its log says so, instead of leaving it pending with no job behind it."""
        with tenant_transaction(self.database, tenant_id) as session:
            delivery = repo.for_attempt(session, delivery_id)
            if delivery is None:
                return
            delivery.status, delivery.next_attempt_at = "dead", None
            delivery.last_error = f"internal error ({type(error).__name__})"
            session.flush()
            self._audit(session, tenant_id, AuditAction.WEBHOOK_DEAD_LETTERED, delivery_id,
                        {"endpoint_id": delivery.endpoint_id, "attempts": delivery.attempts,
                         "reason": "internal error", "error": type(error).__name__})

    @staticmethod
    def _audit(session: Session, tenant_id: UUID, action: AuditAction, delivery_id: UUID,
               details: dict[str, object]) -> None:
        audit.record(session, None, action, resource_type="webhook_delivery", resource_id=delivery_id,
                     tenant_id=tenant_id, actor=ACTOR, details=details)
