"""Loads what one turn needs, under the bound tenant's RLS: the job's conversation and message, the
contact (to know whether the customer is verified), the business's settings, time zone and services,
and the engine's state. A job naming another tenant's conversation or message finds nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from uuid import UUID

from sqlalchemy.orm import Session

from engium.access.suspension import is_suspended
from engium.assistant import contact_details, handover, state
from engium.assistant.handover_policy import policy_of
from engium.assistant.language import supported
from engium.assistant.phrasebook import say
from engium.assistant.service_match import ServiceName
from engium.assistant.turn import Business, TurnContext
from engium.bookings import catalog, reminder_store
from engium.conversations import contacts
from engium.conversations import service as conversations
from engium.conversations.proven_contacts import proven
from engium.kit.time_zones import zone_or_utc
from engium.tenancy.service import get_settings

SENDER_VERIFIED_CHANNELS = frozenset({"sms", "whatsapp"})
SIGNED_IN_WIDGET_PREFIX = "user:"


@dataclass(frozen=True)
class Skip:
    """Why a job gets no reply: a code for the audit log and the job row."""

    reason: str
    conversation_id: UUID | None = None


def job_ids(payload: dict[str, object]) -> tuple[UUID, UUID] | None:
    try:
        return UUID(str(payload["conversation_id"])), UUID(str(payload["message_id"]))
    except (KeyError, ValueError):
        return None


def is_verified(channel: str, phone: str | None, widget_id: str | None) -> bool:
    """SMS/WhatsApp: the contact was found by the sender's number from a signed webhook; a number can be
    spoofed, so changes there are confirmed with a code sent to it (confirmation_codes.py). Web: a visitor
    whose user id the tenant's site signed (anonymous visitors and tenant events are not); a visitor who
    proved a number or address with a one-time code is verified too (``proven_contacts.proven``, checked by
    the caller)."""
    if channel in SENDER_VERIFIED_CHANNELS:
        return bool(phone)
    return channel == "web" and bool(widget_id) and str(widget_id).startswith(SIGNED_IN_WIDGET_PREFIX)


def link_hosts(allow_list: list[str] | None, website: str | None) -> tuple[str, ...]:
    """The hosts a reply may link to: the tenant's allow list and its own website's host."""
    hosts = [h.strip().lower() for h in allow_list or [] if h and h.strip()]
    if website and website.strip():
        candidate = website.strip() if "://" in website else f"https://{website.strip()}"
        try:
            host = urlsplit(candidate).hostname
        except ValueError:
            host = None  # a malformed website setting allows nothing extra
        if host:
            hosts.append(host.lower())
    return tuple(dict.fromkeys(hosts))


def no_show_faq(session: Session) -> tuple[tuple[str, str], ...]:
    """The business's no-show policy (ADR 0042) as one more FAQ, so the assistant answers it in its words."""
    policy = reminder_store.policy(session).no_show_policy
    return ((say("en", "no_show_question"), policy),) if policy else ()


def load_turn_context(
    session: Session, tenant_id: UUID, job_id: str, payload: dict[str, object], now: datetime, pending_ttl: timedelta
) -> TurnContext | Skip:
    ids = job_ids(payload)
    if ids is None:
        return Skip("bad_payload")
    conversation_id, message_id = ids
    if is_suspended(session):
        # Queued before the operator suspended the business: a suspended business answers nothing.
        return Skip("tenant_suspended", conversation_id)
    conversation = conversations.conversation_by_id(session, conversation_id)
    message = conversations.message_by_id(session, message_id)
    if conversation is None or message is None or message.conversation_id != conversation_id:
        return Skip("not_found")
    if message.direction != "inbound" or message.author_kind != "contact":
        return Skip("not_a_customer_message", conversation_id)
    if conversations.is_answered(session, message_id):
        # The job ran before and its reply committed, but the worker lost the job's "done" mark (a
        # database restart, a killed worker) and the job runtime retried it.
        return Skip("answered", conversation_id)
    settings = get_settings(session)
    remembered = state.load(session, conversation_id)
    handed_over = conversation.status == "escalated"
    policy = policy_of(dict(settings.escalation_rules or {}))
    if handed_over and not handover.may_answer(session, policy, conversation, remembered):
        return Skip("escalated", conversation_id)
    contact = contacts.contact_by_id(session, conversation.contact_id)
    business = Business(
        name=settings.business_name, phone=settings.phone, email=settings.email, website=settings.website,
        address=settings.address, opening_hours=dict(settings.opening_hours or {}),
        faqs=tuple((str(f.get("question", "")), str(f.get("answer", ""))) for f in settings.faqs or []
                   if isinstance(f, dict)) + no_show_faq(session),
        persona=settings.assistant_persona or "", escalation_rules=dict(settings.escalation_rules or {}),
        link_hosts=link_hosts(settings.link_allow_list, settings.website),
    )
    return TurnContext(
        tenant_id=tenant_id, job_id=job_id, conversation_id=conversation_id, channel=conversation.channel,
        contact_id=conversation.contact_id, message_id=message_id, text=message.body,
        verified=is_verified(conversation.channel, contact.phone if contact else None,
                             contact.widget_id if contact else None)
        or (conversation.channel == "web" and proven(session, conversation_id, conversation.contact_id)),
        business=business, zone=zone_or_utc(settings.timezone), now=now,
        services=tuple(ServiceName(s.id, s.name) for s in catalog.list_services(session, active=True)),
        pending=state.current_pending(remembered, now, pending_ttl),
        failed_turns=remembered.failed_turns if remembered else 0,
        guard_strikes=remembered.guard_strikes if remembered else 0,
        guard_threshold=settings.guard_threshold,
        contact_email=contact.email if contact else None,
        contact_phone=contact.phone if contact else None,
        needs_contact_details=contact_details.missing(conversation.channel, contact),
        awaiting_code=contact_details.awaiting_proof(conversation.channel, contact),
        # The conversation's language so far; the worker decides this message's (language.py).
        # Never answered yet: the business's own language.
        language=supported(remembered.language if remembered and remembered.language else settings.language),
        handed_over=handed_over,
    )

