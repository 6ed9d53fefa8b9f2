"""Consent and opt-outs per contact and purpose: who agreed to (or objected to) what, when, through which
channel, and the exact wording version they were shown (GDPR Art. 7(1): the business must be able to
show it). Decisions are appended, never rewritten; the latest per purpose is in force.

Global Privacy Control: a widget visitor whose browser sends ``Sec-GPC: 1`` is recorded as opted out of
sale or sharing (CCPA; 11 CCR 7025) on arrival.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.conversations.contacts import contact_by_id
from engium.errors import NotFound
from engium.privacy import requests
from engium.privacy.models import Consent, KeywordReply

Purpose = Literal["ai_processing_notice", "marketing", "sale_or_sharing", "messages"]
ConsentChannel = Literal["web", "sms", "whatsapp", "email", "staff"]
ConsentSource = Literal["widget", "keyword", "gpc", "staff", "request"]
GPC_WORDING = "Sec-GPC: 1 (Global Privacy Control)"


def record_consent(
    session: Session, principal: Principal, contact_id: UUID, purpose: Purpose, *, granted: bool,
    channel: ConsentChannel, source: ConsentSource, wording_version: str,
) -> Consent:
    if contact_by_id(session, contact_id) is None:
        raise NotFound("contact not found")
    consent = Consent(tenant_id=principal.tenant_id, id=uuid.uuid4(), contact_id=contact_id, purpose=purpose,
                      granted=granted, channel=channel, source=source, wording_version=wording_version,
                      recorded_at=datetime.now(UTC))
    session.add(consent)
    session.flush()
    audit.record(session, principal, AuditAction.CONSENT_RECORDED, resource_type="contact", resource_id=contact_id,
                 details={"contact_id": contact_id, "purpose": purpose, "granted": granted, "channel": channel,
                          "source": source, "wording_version": wording_version})
    return consent


def history(session: Session, contact_id: UUID) -> list[Consent]:
    """Every decision of the contact, oldest first."""
    query = select(Consent).where(Consent.contact_id == contact_id).order_by(Consent.recorded_at, Consent.id)
    return list(session.execute(query).scalars())


def history_of_contact(session: Session, contact_id: UUID) -> list[Consent]:
    """:func:`history`, for a contact that must exist (404 otherwise: another tenant's, or gone)."""
    if contact_by_id(session, contact_id) is None:
        raise NotFound("contact not found")
    return history(session, contact_id)


def in_force(session: Session, contact_id: UUID) -> dict[str, bool]:
    """The latest decision per purpose; purposes never decided are absent."""
    return {c.purpose: c.granted for c in history(session, contact_id)}


def opted_out(session: Session, contact_id: UUID, purpose: Purpose) -> bool:
    return in_force(session, contact_id).get(purpose) is False


def opted_out_of_sharing(session: Session, contact_id: UUID) -> bool:
    return opted_out(session, contact_id, "sale_or_sharing")


def record_gpc(session: Session, principal: Principal, contact_id: UUID) -> None:
    """A browser's Global Privacy Control signal: opted out of sale or sharing (once is enough)."""
    if not opted_out(session, contact_id, "sale_or_sharing"):
        record_consent(session, principal, contact_id, "sale_or_sharing", granted=False, channel="web",
                       source="gpc", wording_version=GPC_WORDING)


def fulfil_opt_out(session: Session, principal: Principal, request_id: UUID) -> Consent:
    """Carries out an open opt-out request (CCPA "Do Not Sell or Share"): the contact is recorded as opted
    out of sale or sharing (source ``request``, the request's id as the wording) and the request completes.
    From then on no endpoint marked as sharing receives anything about them (webhooks.service.emit)."""
    request = requests.open_for(session, request_id, frozenset({"opt_out"}))
    if request.contact_id is None:
        raise NotFound("the request names no contact")
    decision = record_consent(session, principal, request.contact_id, "sale_or_sharing", granted=False,
                              channel="staff", source="request", wording_version=f"request:{request.id}")
    requests.complete(session, principal, request, {"consent_id": str(decision.id), "purpose": "sale_or_sharing"})
    return decision


def mark_keyword_reply(session: Session, principal: Principal, message_id: UUID, keyword: str) -> None:
    """The reply to a carrier keyword: sent even to an opted-out number (the STOP confirmation, HELP)."""
    session.add(KeywordReply(tenant_id=principal.tenant_id, message_id=message_id, keyword=keyword))
    session.flush()


def may_message(session: Session, contact_id: UUID, message_id: UUID) -> bool:
    """Whether the message may go to the contact: not after STOP, except a reply carrier rules require."""
    if not opted_out(session, contact_id, "messages"):
        return True
    query = select(KeywordReply.message_id).where(KeywordReply.message_id == message_id)
    return session.execute(query).scalar_one_or_none() is not None
