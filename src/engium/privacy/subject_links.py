"""How one customer's rows are found in every store of the personal-data map, as SQL conditions.

The export and the erasure walk these, so they reach every table the map says holds customer data;
tests/privacy/test_subject_requests.py checks that each customer store of the map has a link here (or
is handled explicitly, like the audit log). Parameters: ``:contact`` (the contact id, text) and
``:tenant`` (for the job table, which has no RLS). Every other table is read under the tenant's RLS.
"""

from __future__ import annotations

from dataclasses import dataclass

_CONVERSATIONS = "select id from conversations where contact_id = cast(:contact as uuid)"
_MESSAGES = f"select id from messages where conversation_id in ({_CONVERSATIONS})"
_BOOKINGS = "select id from bookings where contact_id = cast(:contact as uuid)"
# E-mails about the contact, and those sent to one of their addresses before any contact was linked.
_MAIL = ("contact_id = cast(:contact as uuid) or (contact_id is null and lower(recipient) in "
         "(select lower(e) from contacts, unnest(array[email, unverified_email]) e "
         "where id = cast(:contact as uuid) and e is not null))")


@dataclass(frozen=True)
class Link:
    table: str
    where: str
    # Columns never exported: secrets (token hashes) and key material, which identify nobody to the
    # person and would only weaken what protects them.
    withheld: tuple[str, ...] = ()


LINKS: dict[str, Link] = {link.table: link for link in (
    Link("contacts", "id = cast(:contact as uuid)"),
    Link("conversations", "contact_id = cast(:contact as uuid)"),
    Link("messages", f"conversation_id in ({_CONVERSATIONS})"),
    Link("bookings", "contact_id = cast(:contact as uuid)"),
    Link("booking_messages", f"booking_id in ({_BOOKINGS})"),
    Link("assistant_states", f"conversation_id in ({_CONVERSATIONS})"),
    Link("satisfaction_ratings", f"conversation_id in ({_CONVERSATIONS})"),
    # The Message-IDs and subjects of the person's e-mail conversations (migration 0039).
    Link("email_thread_messages", f"conversation_id in ({_CONVERSATIONS})"),
    Link("widget_sessions", "contact_id = cast(:contact as uuid)", ("token_hash",)),
    Link("inbound_deliveries", f"message_id in ({_MESSAGES})"),
    # Outbound webhook payloads name the contact in their data (conversation and booking events).
    Link("webhook_deliveries", "payload -> 'data' ->> 'contact_id' = :contact"),
    Link("procrastinate_jobs",
         "args ->> 'tenant_id' = :tenant and (args ->> 'conversation_id' in "
         f"(select cast(id as text) from ({_CONVERSATIONS}) c) or args ->> 'message_id' in "
         f"(select cast(id as text) from ({_MESSAGES}) m) or args ->> 'mail_id' in "
         f"(select cast(id as text) from outbound_mail where {_MAIL}))"),
    Link("outbound_mail", _MAIL),
    Link("consents", "contact_id = cast(:contact as uuid)"),
    Link("keyword_replies", f"message_id in ({_MESSAGES})"),
    # Staff notifications about the person's conversations and bookings (ids and kinds only).
    Link("staff_notifications", f"conversation_id in ({_CONVERSATIONS}) or booking_id in "
                                "(select id from bookings where contact_id = cast(:contact as uuid))"),
    Link("subject_keys", "contact_id = cast(:contact as uuid)", ("ciphertext",)),
    Link("privacy_requests", "contact_id = cast(:contact as uuid)", ("payload",)),
    # A widget visitor's code challenges: for their number, or asked for from their conversation.
    Link("widget_privacy_challenges", "contact_id = cast(:contact as uuid) or requested_by = cast(:contact as uuid)",
         ("code_sha256",)),
    Link("contact_proofs", "contact_id = cast(:contact as uuid)", ("code_sha256", "address_sha256")),
    Link("privacy_exports", "contact_id = cast(:contact as uuid)", ("sealed",)),
    Link("privacy_certificates",
         "request_id in (select id from privacy_requests where contact_id = cast(:contact as uuid))",
         ("signature",)),
)}

# Customer stores reached otherwise: the audit log by its own query (events about the person, their
# sealed values opened), knowledge by redaction of the documents that mention them (knowledge service).
SPECIAL = frozenset({"audit_events", "knowledge_documents", "knowledge_chunks"})


def select_sql(link: Link) -> str:
    withheld = "".join(f" - '{column}'" for column in link.withheld)
    return f"select to_jsonb(t){withheld} from {link.table} t where {link.where}"


def count_sql(link: Link) -> str:
    return f"select count(*) from {link.table} where {link.where}"


def delete_sql(link: Link) -> str:
    return f"with gone as (delete from {link.table} where {link.where} returning 1) select count(*) from gone"


AUDIT_ABOUT = f"""
select seq, occurred_at, actor_kind, actor_id, action, resource_type, resource_id, outcome, details
  from audit_events
 where resource_id = :contact or actor_id = :contact or details ->> 'contact_id' = :contact
    or resource_id in (select cast(id as text) from ({_CONVERSATIONS}) c)
    or resource_id in (select cast(id as text) from ({_BOOKINGS}) b)
 order by seq
"""
