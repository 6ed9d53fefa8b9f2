"""Erasure (GDPR Art. 17, CCPA right to delete): every copy of one customer's data, then a signed
deletion certificate.

It walks the same links as the export (``subject_links.py``), in an order that lets the database do what
it can: copies outside the contact's own rows first (webhook payloads, queued jobs, exports, e-mails), then the
contact through its domain's service, whose foreign keys take conversations, messages, bookings,
assistant state and widget sessions, clear replay rows' links to the messages, and which destroys the
person's keys, so their sealed values in the audit log can never be read again (ADR 0021). Handled
requests stay as evidence (their sealed payload is shredded with the keys).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.ai.embeddings import EmbeddingProvider
from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.audit.signing import SigningKey
from engium.conversations.contacts import contact_by_id, delete_contact
from engium.conversations.models import Contact
from engium.errors import NotFound
from engium.knowledge.service import redact_mentions
from engium.privacy import requests
from engium.privacy.certificates import issue_certificate
from engium.privacy.subject_links import LINKS, count_sql, delete_sql

# Deleted explicitly, before the contact: copies the foreign keys do not reach.
COPIES = ("webhook_deliveries", "procrastinate_jobs", "privacy_exports", "outbound_mail")
# Taken by the contact's deletion (ON DELETE CASCADE / SET NULL) or by its key destruction: counted first.
WITH_THE_CONTACT = ("contacts", "conversations", "messages", "bookings", "assistant_states", "widget_sessions",
                    "inbound_deliveries", "consents", "keyword_replies", "subject_keys", "widget_privacy_challenges",
                    "contact_proofs")
# Jobs a worker holds right now are left to finish (they find nothing once the contact is gone).
_JOBS_NOT_RUNNING = " and status <> 'doing'"


# A name shorter than this is too likely to be part of other words to be redacted from documents.
MIN_REDACTED_NAME = 5


def identifiers(contact: Contact) -> list[str]:
    """What identifies the person in free text: e-mail addresses, phone numbers (as stored and as digits
    only), and a full name long enough not to match unrelated words."""
    found = {v for v in (contact.email, contact.unverified_email) if v}
    for phone in (contact.phone, contact.unverified_phone):
        if phone:
            found |= {phone, "".join(c for c in phone if c.isdigit())}
    if len(contact.name.strip()) >= MIN_REDACTED_NAME:
        found.add(contact.name.strip())
    return sorted(v for v in found if len(v) >= MIN_REDACTED_NAME)


def erase_subject(session: Session, principal: Principal, contact_id: UUID,
                  embedder: EmbeddingProvider) -> dict[str, int]:
    """Erases the bound tenant's contact everywhere; returns the counts per store."""
    contact = contact_by_id(session, contact_id)
    if contact is None:
        raise NotFound("contact not found")
    params = {"contact": str(contact_id), "tenant": str(principal.tenant_id)}
    counts: dict[str, int] = {}
    for table in WITH_THE_CONTACT:
        counts[table] = int(session.execute(text(count_sql(LINKS[table])), params).scalar_one())
    # Documents the business wrote that mention them: redacted and re-embedded (vectors are invertible).
    counts["knowledge_documents"], counts["knowledge_chunks"] = redact_mentions(
        session, principal, embedder, identifiers(contact))
    for table in COPIES:
        sql = delete_sql(LINKS[table])
        if table == "procrastinate_jobs":
            sql = sql.replace(" returning 1", f"{_JOBS_NOT_RUNNING} returning 1")
        counts[table] = int(session.execute(text(sql), params).scalar_one())
    delete_contact(session, principal, contact_id)
    return counts


def fulfil_erasure(session: Session, principal: Principal, request_id: UUID, signer: SigningKey,
                   embedder: EmbeddingProvider) -> dict[str, Any]:
    """Erases the person an open erasure request names, completes it and issues its certificate."""
    request = requests.open_for(session, request_id, frozenset({"erasure"}))
    if request.contact_id is None:
        raise NotFound("the request names no contact")
    counts = erase_subject(session, principal, request.contact_id, embedder)
    audit.record(session, principal, AuditAction.PRIVACY_SUBJECT_ERASED, resource_type="privacy_request",
                 resource_id=request.id, details={"contact_id": request.contact_id, "counts": counts})
    requests.complete(session, principal, request, {"counts": counts})
    return issue_certificate(session, request, counts, signer)
