"""Calendars: private ICS feeds of bookings, and busy time imported from a staff member's own calendar (ADR 0045).

Revision ID: 0038_calendar_feeds
Revises: 0034_inbox_tools

* ``calendar_feeds``: a subscribable feed of the business's (``staff_id`` null) or one staff member's confirmed
  bookings. Only the SHA-256 of its URL token is stored; deleting the row revokes the URL.
* ``calendar_feed_tenant(hash)``: the resolver a calendar client's unauthenticated GET goes through, SECURITY
  DEFINER and owned by ``engium_auth`` like ``widget_tenant()``: it answers one tenant id (or nothing when no
  feed, or feeds of two tenants, hold the hash), and ``engium_auth`` sees two columns of the feeds table. The
  feed itself is then read under RLS with that tenant bound.
* ``calendar_imports``: a staff member's ICS address (Google's or Outlook's "secret address"), sealed with the
  tenant's data key in ``url_ciphertext``; ``url_hint`` keeps the scheme and host only, for display.
* ``staff_busy_spans``: what the last successful fetch of an import found busy, as UTC spans. Times only: no
  summaries, locations or attendees of the staff member's own events are ever stored. Availability treats
  them like bookings.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0038_calendar_feeds"
down_revision = "0037_satisfaction_ratings"
branch_labels = None
depends_on = None

SCHEMA = """
create table calendar_feeds (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    staff_id uuid,
    label text not null check (length(label) between 1 and 200),
    token_sha256 bytea not null check (length(token_sha256) = 32),
    include_customer_names boolean not null default false,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade
);
-- Not unique: isolation forbids a global unique index on a tenant table; 256 random bits make a collision
-- unthinkable, and the resolver refuses a hash two tenants hold.
create index calendar_feeds_token_idx on calendar_feeds (token_sha256);

create table calendar_imports (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    staff_id uuid not null,
    url_ciphertext bytea not null,
    url_hint text not null check (length(url_hint) between 1 and 300),
    last_attempt_at timestamptz,
    last_success_at timestamptz,
    last_error text check (length(last_error) <= 300),
    busy_span_count integer not null default 0 check (busy_span_count >= 0),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade
);
create index calendar_imports_due_idx on calendar_imports (tenant_id, last_attempt_at);

create table staff_busy_spans (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    import_id uuid not null,
    staff_id uuid not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    check (ends_at > starts_at),
    primary key (tenant_id, id),
    foreign key (tenant_id, import_id) references calendar_imports (tenant_id, id) on delete cascade,
    foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade
);
create index staff_busy_spans_staff_idx on staff_busy_spans (tenant_id, staff_id, starts_at);
create index staff_busy_spans_import_idx on staff_busy_spans (tenant_id, import_id);
"""

FUNCTIONS = """
create function calendar_feed_tenant(p_token_sha256 bytea) returns uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select (array_agg(distinct f.tenant_id))[1]
      from public.calendar_feeds f
     where f.token_sha256 = p_token_sha256 and length(p_token_sha256) = 32
    having count(distinct f.tenant_id) = 1
$$;
"""

FUNCTION_SIGNATURES = ("calendar_feed_tenant(bytea)",)
TABLES = ("calendar_feeds", "calendar_imports", "staff_busy_spans")


def upgrade() -> None:
    op.execute(SCHEMA)
    for table in TABLES:
        enable_tenant_rls(table)
    op.execute("create policy calendar_feed_resolver on calendar_feeds for select to engium_auth using (true)")
    op.execute("grant select (tenant_id, token_sha256) on calendar_feeds to engium_auth")
    op.execute(FUNCTIONS)
    for signature in FUNCTION_SIGNATURES:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")


def downgrade() -> None:
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"drop function if exists {signature}")
    op.execute("revoke select (tenant_id, token_sha256) on calendar_feeds from engium_auth")
    op.execute("drop policy if exists calendar_feed_resolver on calendar_feeds")
    for table in reversed(TABLES):
        op.execute(f"drop table if exists {table}")
