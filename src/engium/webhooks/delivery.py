"""The delivery worker: claims due deliveries across tenants, signs them, POSTs them, records the result.

One delivery, one attempt:

1. ``webhook_due_deliveries`` (SECURITY DEFINER) names due (tenant, id) pairs; nothing else crosses
   tenants. For each, a transaction bound to that tenant locks the row (``SKIP LOCKED``: another
   worker holding it means it is taken), counts the attempt, moves ``next_attempt_at`` one lease ahead
   (a worker that dies mid-request leaves a row that becomes due again) and decrypts the secrets
   (access-logged as ``credential.used``). It commits before any network I/O: no transaction or row
   lock is held while a tenant's server takes its time.
2. The SSRF guard resolves and checks the URL again (DNS may have changed since registration) and the
   request goes to the checked address only; redirects are not followed.
3. A second transaction records the outcome if the claim still holds: 2xx delivered
   (``webhook.delivered``); 410 Gone disables the endpoint and dead-letters; anything else is retried
   after the next backoff delay, or dead-lettered (``webhook.dead_lettered``) after the last attempt.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

import httpx2
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.crypto.keyring import DataKeyRing
from engium.crypto.secret import SecretBytes
from engium.errors import NotFound
from engium.integrations import service as credentials
from engium.integrations.schemas import CredentialKind
from engium.kit.background import BackgroundLoop
from engium.kit.database import Database
from engium.kit.http_errors import describe_http_error
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

    def run_once(self, tenants: Collection[UUID] | None = None) -> int:
        """Attempts every due delivery (up to one batch); returns how many were attempted.
        ``tenants`` limits the run to those tenants (operations and tests)."""
        with self.database.transaction() as session:
            due = repo.due(session, self.clock(), self.settings.batch_size)
        attempted = 0
        for tenant_id, delivery_id in due:
            if tenants is not None and tenant_id not in tenants:
                continue
            try:
                attempted += self.deliver(tenant_id, delivery_id)
            except Exception:
                # One tenant's broken row must not stop the others; the log names ids, never content.
                log.exception("webhook delivery %s of tenant %s failed", delivery_id, tenant_id)
        return attempted

    def deliver(self, tenant_id: UUID, delivery_id: UUID) -> bool:
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
        self._settle(claimed, attempt)
        return True

    def _claim(self, tenant_id: UUID, delivery_id: UUID) -> Claimed | None:
        now = self.clock()
        with self.database.tenant_transaction(tenant_id) as session:
            delivery = repo.lock_due(session, delivery_id, now)
            if delivery is None:
                return None  # taken by another worker, or no longer due
            endpoint = repo.get_endpoint(session, delivery.endpoint_id)
            if endpoint is None or not endpoint.active:
                delivery.status, delivery.next_attempt_at = "dead", None
                delivery.last_error = "endpoint disabled"
                session.flush()
                self._audit(session, tenant_id, AuditAction.WEBHOOK_DEAD_LETTERED, delivery_id,
                            {"endpoint_id": delivery.endpoint_id, "attempts": delivery.attempts,
                             "reason": "endpoint disabled"})
                return None
            delivery.attempts += 1
            delivery.last_attempt_at = now
            delivery.next_attempt_at = now + timedelta(seconds=self.settings.lease_seconds)
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

    def backoff(self, attempts: int) -> timedelta | None:
        """The delay before the next attempt after ``attempts`` attempts, or None when none is left."""
        delays = self.settings.retry_delays_seconds
        if attempts > len(delays):
            return None
        jitter = self.settings.retry_jitter
        return timedelta(seconds=delays[attempts - 1] * self.rng.uniform(1 - jitter, 1 + jitter))

    def _settle(self, claimed: Claimed, attempt: Attempt) -> None:
        now = self.clock()
        error = attempt.error[:300] if attempt.error else None
        outcome: dict[str, object] = {"last_status_code": attempt.status_code, "last_error": error}
        delay = None if attempt.gone else self.backoff(claimed.attempts)
        if attempt.succeeded:
            outcome |= {"status": "delivered", "next_attempt_at": None, "last_error": None}
        elif delay is None:
            outcome |= {"status": "dead", "next_attempt_at": None}
        else:
            outcome |= {"next_attempt_at": now + delay}
        details = {"endpoint_id": claimed.endpoint_id, "attempts": claimed.attempts,
                   "status_code": attempt.status_code}
        with self.database.tenant_transaction(claimed.tenant_id) as session:
            if not repo.settle(session, claimed.delivery_id, claimed.attempts, outcome):
                return  # the lease ran out and another attempt took over; its outcome counts
            if attempt.succeeded:
                self._audit(session, claimed.tenant_id, AuditAction.WEBHOOK_DELIVERED, claimed.delivery_id, details)
                return
            if attempt.gone:
                repo.disable_endpoint(session, claimed.endpoint_id, "the endpoint answered 410 Gone", now)
            if outcome.get("status") == "dead":
                reason = "endpoint gone (410)" if attempt.gone else "attempts exhausted"
                self._audit(session, claimed.tenant_id, AuditAction.WEBHOOK_DEAD_LETTERED, claimed.delivery_id,
                            {**details, "reason": reason, "error": attempt.error})

    @staticmethod
    def _audit(session: Session, tenant_id: UUID, action: AuditAction, delivery_id: UUID,
               details: dict[str, object]) -> None:
        audit.record(session, None, action, resource_type="webhook_delivery", resource_id=delivery_id,
                     tenant_id=tenant_id, actor=ACTOR, details=details)


class DeliveryWorker(BackgroundLoop):
    """A background thread running :meth:`Dispatcher.run_once` every ``poll_interval_seconds``."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.interval = dispatcher.settings.poll_interval_seconds
        super().__init__("webhook-delivery")

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.dispatcher.run_once() >= self.dispatcher.settings.batch_size
            except Exception:
                log.exception("webhook delivery round failed")
                busy = False
            # A full batch means more are waiting: go again at once instead of sleeping.
            if not busy:
                self._stop.wait(self.interval)
