"""What each retention setting removes, as SQL over the bound tenant's rows (RLS: never another tenant's).

One rule per table whose retention, in the personal-data map (``data_map.py``), is a setting of
``policy.py``; tests/privacy/test_retention.py checks that every such table has a rule and every rule
names the map's setting, so a table cannot be added with a retention promise that nothing keeps.

Each rule is a ``where`` clause with a ``:cutoff`` parameter (now minus the period), deleted in batches
of ``:batch`` rows (a dry run deletes too, inside a savepoint it rolls back: the counts are exact). The
retention purge is the one place that deletes by the map rather than through each domain's service:
what it removes is decided by the map and the settings, and a domain cannot forget to offer a purge for
a table it adds (ADR 0022).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    table: str
    setting: str
    key: str  # the column(s) identifying a row, for batched deletes
    where: str
    # The rows a delete of this table takes along (ON DELETE CASCADE), counted for the proof: a name and
    # a condition on that table in terms of ``{ids}``, the ids of the rows deleted.
    cascades: tuple[tuple[str, str], ...] = ()


_IDLE_CONTACT = """
    updated_at < :cutoff
    and not exists (select 1 from conversations c where c.contact_id = contacts.id and c.last_message_at >= :cutoff)
    and not exists (select 1 from bookings b where b.contact_id = contacts.id and b.ends_at >= :cutoff)
"""

# Finished jobs carry their tenant only in their arguments (procrastinate's tables have no tenant column
# and no RLS); the latest event is when the job finished.
_FINISHED_JOB = """
    args ->> 'tenant_id' = cast(:tenant as text)
    and status in ('succeeded', 'failed', 'cancelled', 'aborted')
    and not exists (select 1 from procrastinate_events e where e.job_id = procrastinate_jobs.id and e.at >= :cutoff)
"""

RULES: tuple[Rule, ...] = (
    # Contacts first: their cascade takes their old conversations and bookings with them, and the purge
    # destroys their audit keys (crypto-shredding), which a conversation or booking rule would not.
    Rule("contacts", "contact_inactive_days", "id", _IDLE_CONTACT, (
        ("conversations", "contact_id in ({ids})"),
        ("messages", "conversation_id in (select id from conversations where contact_id in ({ids}))"),
        ("bookings", "contact_id in ({ids})"),
    )),
    Rule("conversations", "conversation_days", "id", "last_message_at < :cutoff",
         (("messages", "conversation_id in ({ids})"),)),
    Rule("bookings", "booking_days", "id", "ends_at < :cutoff"),
    Rule("webhook_deliveries", "delivery_log_days", "id", "status <> 'pending' and created_at < :cutoff"),
    Rule("inbound_deliveries", "delivery_log_days", "provider, provider_event_id", "received_at < :cutoff"),
    Rule("outbound_mail", "delivery_log_days", "id", "status <> 'queued' and created_at < :cutoff"),
    Rule("procrastinate_jobs", "job_days", "id", _FINISHED_JOB),
    Rule("sessions", "session_days", "id", "expires_at < :cutoff"),
    Rule("widget_sessions", "session_days", "id", "expires_at < :cutoff"),
    # A data-subject request's one-time code lives ten minutes; the challenge row then only waits here.
    Rule("widget_privacy_challenges", "session_days", "id", "expires_at < :cutoff"),
    # A widget visitor's proof code lives ten minutes; a proven row marks the conversation verified while
    # its widget session (7 days) lasts, so it goes with the sessions' retention.
    Rule("contact_proofs", "session_days", "id", "created_at < :cutoff"),
    Rule("invitations", "session_days", "id", "accepted_at is null and expires_at < :cutoff"),
    # Handled requests are the business's evidence; their certificate and any export go with them.
    Rule("privacy_requests", "request_evidence_days", "id",
         "status in ('completed', 'refused') and completed_at < :cutoff",
         (("privacy_certificates", "request_id in ({ids})"), ("privacy_exports", "request_id in ({ids})"))),
)


def delete_batch_sql(rule: Rule) -> str:
    """Deletes one batch and counts the children its cascade takes (every part sees the same snapshot,
    so the children are counted as they were before the delete); contacts also return their ids."""
    parts = [f"doomed as (select {rule.key} from {rule.table} where {rule.where} limit :batch)",
             f"gone as (delete from {rule.table} where ({rule.key}) in (select {rule.key} from doomed) "
             f"returning {'id' if rule.table == 'contacts' else '1 as one'})"]
    counts = ["(select count(*) from gone) as n"]
    for index, (child, condition) in enumerate(rule.cascades):
        counts.append(f"(select count(*) from {child} where {condition.format(ids='select id from doomed')}) "
                      f"as c{index}")
    ids = ", (select coalesce(array_agg(id), '{}') from gone) as ids" if rule.table == "contacts" else ""
    return f"with {', '.join(parts)} select {', '.join(counts)}{ids}"
