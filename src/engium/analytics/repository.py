"""The analytics queries: plain SQL aggregates under the bound tenant's RLS, grouped by bucket with a totals row.

Every query reads only through the app role's session, whose row-level security shows the bound tenant's
rows alone: no query names a tenant, so none can count another's. Buckets are the business's local days or
ISO weeks: ``date_trunc`` runs on the timestamp converted to the tenant's zone. Each query groups by
``grouping sets ((bucket), ())``, so the totals row (bucket NULL) comes from the same rows as the series
(percentiles cannot be added up from buckets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Window:
    start: datetime  # the first local day's midnight, as an instant
    end: datetime  # the midnight after the last local day
    zone: str
    unit: str  # "day" or "week" (date_trunc's field)
    channel: str | None


# Per conversation started in the window: when the customer first wrote, when the assistant first answered
# after that, and when a person first answered after the escalation (or after the customer's first message
# in a conversation staff took without one).
_CONVERSATIONS = """
with started as (
    select c.tenant_id, c.id, c.status, c.escalated_at, c.resolved_at,
           date_trunc(:unit, c.created_at at time zone :zone)::date as bucket,
           (select min(m.created_at) from messages m
             where m.tenant_id = c.tenant_id and m.conversation_id = c.id and m.author_kind = 'contact') as asked_at
      from conversations c
     where c.created_at >= :start and c.created_at < :end
       and (cast(:channel as text) is null or c.channel = :channel)
), timed as (
    select s.*,
           (select min(m.created_at) from messages m
             where m.tenant_id = s.tenant_id and m.conversation_id = s.id and m.author_kind = 'assistant'
               and m.created_at >= s.asked_at
               and not exists (select 1 from satisfaction_ratings r
                                where r.tenant_id = m.tenant_id and r.question_message_id = m.id)) as assistant_at,
           (select min(m.created_at) from messages m
             where m.tenant_id = s.tenant_id and m.conversation_id = s.id and m.author_kind = 'agent'
               and m.created_at >= coalesce(s.escalated_at, s.asked_at)) as staff_at,
           exists (select 1 from messages m
                    where m.tenant_id = s.tenant_id and m.conversation_id = s.id and m.author_kind = 'agent') as staffed
      from started s
), waits as (
    select bucket, status, escalated_at, resolved_at, staffed,
           extract(epoch from assistant_at - asked_at) as assistant_wait,
           extract(epoch from staff_at - coalesce(escalated_at, asked_at)) as staff_wait
      from timed
)
select bucket,
       count(*) as conversations,
       count(*) filter (where status = 'resolved' and resolved_at is not null and escalated_at is null
                          and not staffed) as resolved_without_person,
       count(*) filter (where escalated_at is not null) as escalated,
       percentile_cont(0.5) within group (order by assistant_wait) as assistant_median,
       percentile_cont(0.9) within group (order by assistant_wait) as assistant_p90,
       count(assistant_wait) as assistant_count,
       percentile_cont(0.5) within group (order by staff_wait) as staff_median,
       percentile_cont(0.9) within group (order by staff_wait) as staff_p90,
       count(staff_wait) as staff_count
  from waits
 group by grouping sets ((bucket), ())
"""

_ASSISTANT_BOOKINGS = """
select bucket, count(*) as bookings_by_assistant from (
    select date_trunc(:unit, b.created_at at time zone :zone)::date as bucket
      from bookings b
     where b.booked_by = 'assistant' and b.created_at >= :start and b.created_at < :end
       and (cast(:channel as text) is null or b.channel = :channel)
) x group by grouping sets ((bucket), ())
"""

# The status is compared as a string: the no-show state is its own migration's (bookings/), and a business
# without it simply counts none.
_NO_SHOWS = """
select bucket, count(*) as no_shows from (
    select date_trunc(:unit, b.starts_at at time zone :zone)::date as bucket
      from bookings b
     where b.status = 'no_show' and b.starts_at >= :start and b.starts_at < :end
       and (cast(:channel as text) is null or b.channel = :channel)
) x group by grouping sets ((bucket), ())
"""

_RATINGS = """
select bucket, avg(rating)::float as csat_average, count(*) as csat_count from (
    select date_trunc(:unit, r.rated_at at time zone :zone)::date as bucket, r.rating
      from satisfaction_ratings r
     where r.rating is not null and r.rated_at >= :start and r.rated_at < :end
       and (cast(:channel as text) is null or r.channel = :channel)
) x group by grouping sets ((bucket), ())
"""

QUERIES = (_CONVERSATIONS, _ASSISTANT_BOOKINGS, _NO_SHOWS, _RATINGS)


def aggregate(session: Session, window: Window) -> dict[date | None, dict[str, Any]]:
    """Every metric's raw value keyed by bucket start, with the totals under None; empty buckets are absent."""
    params = {"start": window.start, "end": window.end, "zone": window.zone, "unit": window.unit,
              "channel": window.channel}
    found: dict[date | None, dict[str, Any]] = {}
    for query in QUERIES:
        for row in session.execute(text(query), params).mappings():
            values = dict(row)
            found.setdefault(values.pop("bucket"), {}).update(values)
    return found


# Reads for the satisfaction question (ratings.py), in SQL like the report: facts of other domains' rows.


def latest_customer_message_at(session: Session, conversation_id: UUID) -> datetime | None:
    found: datetime | None = session.execute(text(
        "select max(created_at) from messages where conversation_id = :c and author_kind = 'contact'"
    ), {"c": conversation_id}).scalar_one()
    return found


def conversation_language(session: Session, conversation_id: UUID) -> str | None:
    found: str | None = session.execute(text(
        "select language from assistant_states where conversation_id = :c"), {"c": conversation_id},
    ).scalar_one_or_none()
    return found


def conversations_of_phone(session: Session, phone: str, channel: str) -> list[UUID]:
    """The conversations on ``channel`` of the contact with this (verified) phone number."""
    return list(session.execute(text(
        "select c.id from conversations c join contacts k on k.tenant_id = c.tenant_id and k.id = c.contact_id "
        "where k.phone = :phone and c.channel = :channel"), {"phone": phone, "channel": channel}).scalars())
