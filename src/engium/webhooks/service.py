"""Rules for outbound webhooks: endpoints (secrets in the vault), emission, the delivery log.

Secrets: each endpoint's ``whsec_`` secret and the tenant's Ed25519 private key are integration
credentials (kind ``webhook_endpoint``), encrypted by the vault. The plaintext secret exists in a
response exactly twice in its life: when it is generated at creation and at rotation.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr
from sqlalchemy.orm import Session

from engium import jobs
from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.crypto.keyring import DataKeyRing
from engium.crypto.secret import SecretBytes
from engium.errors import Conflict, NotFound, Unprocessable
from engium.integrations import service as credentials
from engium.integrations.models import IntegrationCredential
from engium.integrations.schemas import CredentialCreate, CredentialKind, CredentialRotate
from engium.webhooks import repository as repo
from engium.webhooks import signing, ssrf
from engium.webhooks.event_hook import run_event_hook
from engium.webhooks.models import WebhookDelivery, WebhookEndpoint
from engium.webhooks.schemas import EndpointCreate, EndpointUpdate, EventType, SecretRotate
from engium.webhooks.settings import WebhookSettings
from engium.webhooks.sharing import may_share

# The job that delivers one delivery row (webhooks/tasks.py), queued by name in the same transaction.
DELIVER_JOB = "webhooks.deliver"

# The tenant's one Ed25519 key pair for ``v1a`` signatures (a credential of kind webhook_endpoint).
SIGNING_KEY_NAME = "webhook-signing-ed25519"
ENDPOINT_NOT_FOUND = "Webhook endpoint not found"


@dataclass(frozen=True)
class Guard:
    """What the SSRF check needs: the allow settings and the resolver (replaceable in tests)."""

    settings: WebhookSettings
    resolver: ssrf.Resolver | None = None


def endpoint_credential_name(endpoint_id: uuid.UUID) -> str:
    return f"webhook-endpoint-{endpoint_id}"


def _checked_url(url: str, guard: Guard) -> str:
    try:
        ssrf.check(url, guard.settings, guard.resolver)
    except ssrf.UnsafeDestination as exc:
        raise Unprocessable(str(exc)) from None
    return url


def _origin(url: str) -> str:
    """What the audit log says about a URL: scheme and host. Paths and queries may hold tokens."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}"


def _record(session: Session, principal: Principal, action: AuditAction, endpoint: WebhookEndpoint,
            details: dict[str, Any]) -> None:
    audit.record(session, principal, action, resource_type="webhook_endpoint", resource_id=endpoint.id,
                 details=details)


def _signing_credential(session: Session) -> IntegrationCredential | None:
    found = [
        c for c in credentials.list_credentials(session)
        if c.kind == CredentialKind.WEBHOOK_ENDPOINT.value and c.name == SIGNING_KEY_NAME
    ]
    return found[0] if found else None


def signing_public_key(session: Session) -> str:
    credential = _signing_credential(session)
    return str(credential.config.get("public_key", "")) if credential else ""


def _ensure_signing_key(session: Session, vault: DataKeyRing, principal: Principal) -> str:
    existing = signing_public_key(session)
    if existing:
        return existing
    private, public = signing.new_signing_key()
    credentials.create_credential(
        session, vault, principal,
        CredentialCreate(
            kind=CredentialKind.WEBHOOK_ENDPOINT, name=SIGNING_KEY_NAME, secret=SecretStr(private.reveal_text()),
            metadata={"public_key": public, "algorithm": "ed25519"},
        ),
    )
    return public


def list_endpoints(session: Session) -> list[WebhookEndpoint]:
    return repo.list_endpoints(session)


def get_endpoint(session: Session, endpoint_id: uuid.UUID, *, lock: bool = False) -> WebhookEndpoint:
    endpoint = repo.get_endpoint(session, endpoint_id, lock=lock)
    if endpoint is None:
        raise NotFound(ENDPOINT_NOT_FOUND)
    return endpoint


def create_endpoint(
    session: Session, vault: DataKeyRing, principal: Principal, body: EndpointCreate, guard: Guard
) -> tuple[WebhookEndpoint, SecretBytes]:
    """The new endpoint and its secret (to show once)."""
    url = _checked_url(body.url, guard)
    _ensure_signing_key(session, vault, principal)
    endpoint_id = uuid.uuid4()
    secret = signing.new_secret()
    credential = credentials.create_credential(
        session, vault, principal,
        CredentialCreate(
            kind=CredentialKind.WEBHOOK_ENDPOINT, name=endpoint_credential_name(endpoint_id),
            secret=SecretStr(secret.reveal_text()), metadata={"endpoint_id": str(endpoint_id)},
        ),
    )
    endpoint = WebhookEndpoint(
        tenant_id=principal.tenant_id, id=endpoint_id, url=url, description=body.description,
        event_types=sorted(set(body.event_types)), active=True, credential_id=credential.id,
        shares_personal_data=body.shares_personal_data,
    )
    repo.add(session, endpoint)
    session.refresh(endpoint)
    _record(session, principal, AuditAction.WEBHOOK_ENDPOINT_CREATED, endpoint,
            {"origin": _origin(url), "event_types": endpoint.event_types})
    return endpoint, secret


def update_endpoint(
    session: Session, principal: Principal, endpoint_id: uuid.UUID, body: EndpointUpdate, guard: Guard
) -> WebhookEndpoint:
    endpoint = get_endpoint(session, endpoint_id, lock=True)
    changed: list[str] = []
    if body.url is not None and body.url != endpoint.url:
        endpoint.url = _checked_url(body.url, guard)
        changed.append("url")
    if body.description is not None and body.description != endpoint.description:
        endpoint.description = body.description
        changed.append("description")
    if body.event_types is not None and sorted(set(body.event_types)) != endpoint.event_types:
        endpoint.event_types = sorted(set(body.event_types))
        changed.append("event_types")
    if body.active is not None and body.active != endpoint.active:
        endpoint.active = body.active
        endpoint.disabled_reason = None if body.active else "disabled by a user"
        changed.append("active")
    if body.shares_personal_data is not None and body.shares_personal_data != endpoint.shares_personal_data:
        endpoint.shares_personal_data = body.shares_personal_data
        changed.append("shares_personal_data")
    if changed:
        endpoint.updated_at = datetime.now(UTC)
        session.flush()
        session.refresh(endpoint)
        _record(session, principal, AuditAction.WEBHOOK_ENDPOINT_UPDATED, endpoint,
                {"fields": changed, "origin": _origin(endpoint.url), "active": endpoint.active})
    return endpoint


def delete_endpoint(session: Session, principal: Principal, endpoint_id: uuid.UUID) -> None:
    endpoint = get_endpoint(session, endpoint_id, lock=True)
    credential_id = endpoint.credential_id
    _record(session, principal, AuditAction.WEBHOOK_ENDPOINT_DELETED, endpoint, {"origin": _origin(endpoint.url)})
    repo.delete_endpoint(session, endpoint)  # its deliveries go with it (ON DELETE CASCADE)
    credentials.delete_credential(session, principal, credential_id)


def rotate_secret(
    session: Session, vault: DataKeyRing, principal: Principal, endpoint_id: uuid.UUID, body: SecretRotate
) -> tuple[WebhookEndpoint, SecretBytes, datetime | None]:
    endpoint = get_endpoint(session, endpoint_id, lock=True)
    secret = signing.new_secret()
    credential = credentials.rotate_credential(
        session, vault, principal, endpoint.credential_id,
        CredentialRotate(secret=SecretStr(secret.reveal_text()), grace_period_hours=body.grace_period_hours),
    )
    _record(session, principal, AuditAction.WEBHOOK_ENDPOINT_UPDATED, endpoint,
            {"fields": ["secret"], "grace_period_hours": body.grace_period_hours})
    return endpoint, secret, credential.previous_valid_until


def list_deliveries(session: Session, endpoint_id: uuid.UUID, limit: int) -> list[WebhookDelivery]:
    get_endpoint(session, endpoint_id)  # 404 for an unknown (or another tenant's) endpoint
    return repo.list_deliveries(session, endpoint_id, limit)


def redeliver(session: Session, principal: Principal, delivery_id: uuid.UUID) -> WebhookDelivery:
    """Schedules a settled delivery again, under the same ``webhook-id`` so receivers can deduplicate."""
    delivery = repo.get_delivery(session, delivery_id, lock=True)
    if delivery is None:
        raise NotFound("Webhook delivery not found")
    if delivery.status == "pending":
        raise Conflict("This delivery is already scheduled")
    if not get_endpoint(session, delivery.endpoint_id).active:
        raise Conflict("The endpoint is disabled; enable it before redelivering")
    previous = delivery.status
    delivery.status, delivery.attempts = "pending", 0
    delivery.next_attempt_at = datetime.now(UTC)
    session.flush()
    jobs.defer(session, DELIVER_JOB, tenant_id=str(delivery.tenant_id), delivery_id=str(delivery.id))
    session.refresh(delivery)
    audit.record(session, principal, AuditAction.WEBHOOK_REDELIVERY_REQUESTED, resource_type="webhook_delivery",
                 resource_id=delivery.id, details={"endpoint_id": delivery.endpoint_id, "from": previous})
    return delivery


def emit(session: Session, tenant_id: uuid.UUID, event_type: EventType, data: dict[str, Any]) -> int:
    """Queues ``event_type`` for every active endpoint of the bound tenant that subscribes to it, in the
    caller's transaction: the event is sent if and only if the change commits.

    ``data`` must hold ids and non-free-text facts only (no names, notes, messages or reasons): it
    leaves the system. Returns the number of deliveries queued. The installed event hook (staff
    notifications, webhooks/event_hook.py) hears the event first, whether or not an endpoint subscribes.
    """
    run_event_hook(session, tenant_id, event_type, data)
    endpoints = repo.subscribed_endpoints(session, event_type)
    contact = data.get("contact_id")
    if contact is not None and any(e.shares_personal_data for e in endpoints) and not may_share(
        session, contact if isinstance(contact, uuid.UUID) else uuid.UUID(str(contact))
    ):
        # The customer opted out of sale or sharing (or no consent check is installed: fail closed).
        endpoints = [e for e in endpoints if not e.shares_personal_data]
    if not endpoints:
        return 0
    now = datetime.now(UTC)
    # Through JSON once, so UUIDs and datetimes are stored as the strings the receiver will see.
    payload = json.loads(json.dumps(
        {"type": event_type, "timestamp": now.isoformat().replace("+00:00", "Z"), "data": data}, default=str
    ))
    for endpoint in endpoints:
        delivery_id = uuid.uuid4()
        repo.add(session, WebhookDelivery(
            tenant_id=tenant_id, id=delivery_id, endpoint_id=endpoint.id, event_type=event_type,
            payload=payload, status="pending", attempts=0, next_attempt_at=now,
        ))
        jobs.defer(session, DELIVER_JOB, tenant_id=str(tenant_id), delivery_id=str(delivery_id))
    return len(endpoints)
