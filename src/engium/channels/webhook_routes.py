"""HTTP endpoints the providers call: ``/webhooks/...``. Authenticated by signature only.

Each handler takes the capped raw body (``guard.capped_body``) and the request transaction, resolves
the tenant from the path's public id, binds it, and hands the bytes to ``inbound``. Whatever goes
wrong before a signature has matched — unknown tenant, no secret or base URL configured, a malformed
header or body, a wrong signature — ends in the same 401 body, and the transaction rolls back.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from engium.access.suspension import refuse_if_suspended
from engium.channels import delivery_receipts, email_channels, email_inbound, inbound, store
from engium.channels.rate_limits import RawBody, refuse
from engium.channels.verification_reads import read_for_verification
from engium.channels.verify.verification import RejectReason, WebhookRejected
from engium.integrations.schemas import CredentialKind
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession, in_request_transaction
from engium.tenancy.binding import bind_tenant

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
_UNAUTHORIZED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Any unverifiable request; the body never says why"}
}


def _bind(session: Session, public_id: str) -> UUID:
    # Resolve, bind and the suspension check in one round trip (store.bind_public_id, ADR 0048).
    tenant_id = store.bind_public_id(session, public_id)
    if tenant_id is None:
        raise WebhookRejected(RejectReason.NO_SECRET)
    return tenant_id


@router.post("/twilio/{tenant_public_id}/sms", response_class=Response, responses=_UNAUTHORIZED)
async def twilio_sms(tenant_public_id: str, request: Request, body: RawBody) -> Response:
    """Twilio's inbound SMS webhook (form-encoded, ``X-Twilio-Signature``). Answers empty TwiML."""
    # The whole transaction in one thread-pool hop (ADR 0048); the same commit and rollback as DbSession.
    work = partial(_twilio_sms, tenant_public_id, request, body)
    return await run_in_threadpool(in_request_transaction, request, work)


def _twilio_sms(tenant_public_id: str, request: Request, body: bytes, session: Session) -> Response:
    try:
        # Resolve, bind, suspension, base URL, credentials and data keys: one round trip (ADR 0048).
        reads = read_for_verification(session, tenant_public_id, CredentialKind.TWILIO)
        if reads is None:
            raise WebhookRejected(RejectReason.NO_SECRET)
        url = inbound.public_url_from(reads.public_base_url, request.url.path, request.url.query)
        inbound.ingest_twilio(session, runtime_of(request).vault, reads.tenant_id, body, request.headers.raw, url,
                              reads)
    except WebhookRejected as rejected:
        raise refuse(request, "twilio", rejected.reason.value) from None
    return Response(EMPTY_TWIML, media_type="text/xml")


@router.post("/twilio/{tenant_public_id}/status", response_class=Response, status_code=204, responses=_UNAUTHORIZED)
def twilio_status(tenant_public_id: str, request: Request, body: RawBody, session: DbSession) -> Response:
    """Twilio's StatusCallback for a reply (form-encoded, ``X-Twilio-Signature`` with the tenant's auth
    token): moves the message to sent, delivered or failed. Unknown or stale reports are acknowledged."""
    try:
        tenant_id = _bind(session, tenant_public_id)
        url = inbound.twilio_public_url(session, request.url.path, request.url.query)
        delivery_receipts.ingest_twilio_status(session, runtime_of(request).vault, tenant_id, body,
                                               request.headers.raw, url, runtime_of(request).clock())
    except WebhookRejected as rejected:
        raise refuse(request, "twilio", rejected.reason.value) from None
    return Response(status_code=204)


@router.get("/whatsapp/{tenant_public_id}", response_class=Response, responses=_UNAUTHORIZED)
def whatsapp_handshake(tenant_public_id: str, request: Request, session: DbSession) -> Response:
    """Meta's subscription check: echoes ``hub.challenge`` when ``hub.verify_token`` matches."""
    try:
        _bind(session, tenant_public_id)
        challenge = inbound.whatsapp_handshake(session, runtime_of(request).vault, request.url.query)
    except WebhookRejected as rejected:
        raise refuse(request, "whatsapp", rejected.reason.value) from None
    return Response(challenge, media_type="text/plain")


@router.post("/whatsapp/{tenant_public_id}", responses=_UNAUTHORIZED)
def whatsapp_messages(tenant_public_id: str, request: Request, body: RawBody, session: DbSession) -> dict[str, str]:
    """WhatsApp Cloud API deliveries (``X-Hub-Signature-256`` over the raw JSON): customers' messages, and
    ``statuses`` reporting the delivery of the business's replies."""
    now = runtime_of(request).clock()
    try:
        tenant_id = _bind(session, tenant_public_id)
        inbound.ingest_whatsapp(
            session, runtime_of(request).vault, tenant_id, body, request.headers.raw,
            lambda sender, payload: delivery_receipts.apply_whatsapp_statuses(session, sender, payload, now),
        )
    except WebhookRejected as rejected:
        raise refuse(request, "whatsapp", rejected.reason.value) from None
    return {"status": "ok"}


@router.post("/events/{tenant_public_id}", responses=_UNAUTHORIZED)
def standard_events(tenant_public_id: str, request: Request, body: RawBody, session: DbSession) -> dict[str, str]:
    """Events from the tenant's own systems in the Standard Webhooks format, signed with the secret of
    the tenant's ``webhook_endpoint`` credential named "inbound"."""
    try:
        tenant_id = _bind(session, tenant_public_id)
        inbound.ingest_event(session, runtime_of(request).vault, tenant_id, body, request.headers.raw)
    except WebhookRejected as rejected:
        raise refuse(request, "events", rejected.reason.value) from None
    return {"status": "ok"}


_EMAIL_ANSWERS: dict[int | str, dict[str, Any]] = {
    **_UNAUTHORIZED,
    413: {"description": "The form is larger than an inbound delivery may be"},
    422: {"description": "A verified e-mail that cannot be stored (a subject on several lines, no valid sender)"},
}


def _email_tenant(session: Session, channel_id: str) -> UUID:
    try:
        channel = UUID(channel_id)
    except ValueError:
        raise WebhookRejected(RejectReason.NO_SECRET) from None
    tenant_id = email_channels.tenant_for_channel(session, channel)
    if tenant_id is None:
        raise WebhookRejected(RejectReason.NO_SECRET)
    bind_tenant(session, tenant_id)
    refuse_if_suspended(session)
    return tenant_id


@router.post("/email/{channel_id}", responses=_EMAIL_ANSWERS)
def email_message(channel_id: str, request: Request, body: RawBody, session: DbSession) -> dict[str, str]:
    """A Mailgun inbound route's ``forward()`` (a form signed with ``timestamp``, ``token`` and ``signature``):
    a customer's e-mail to the business's e-mail channel (ADR 0046)."""
    try:
        tenant_id = _email_tenant(session, channel_id)
        email_inbound.ingest_email(session, runtime_of(request).vault, tenant_id, UUID(channel_id), body,
                                   request.headers.get("content-type", ""))
    except WebhookRejected as rejected:
        raise refuse(request, "mailgun", rejected.reason.value) from None
    return {"status": "ok"}
