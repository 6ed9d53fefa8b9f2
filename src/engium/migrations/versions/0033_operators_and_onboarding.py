"""Operators and onboarding (ADR 0040): suspended tenants, password resets by e-mail, self-service sign-ups.

Revision ID: 0033_operators_and_onboarding
Revises: 0032_handover_follow_up

* ``tenants.suspended_at`` / ``suspension_reason``: an operator's suspension. ``auth_tenant_suspended``
  (SECURITY DEFINER, owned by ``engium_auth``) answers it in the same round trip as the credential lookup,
  so a suspended tenant's sessions and API keys are refused with a clear message instead of a 401.
* ``password_resets``: a single-use, expiring token per request; only its SHA-256 is stored. A global
  table (users are global), under forced RLS: the app sees the rows of the user its transaction names
  (``engium.user_id``), and only ``auth_password_reset`` finds a row by its token before any user is named.
* ``signup_requests``: a business asking to open an account, waiting for its e-mail to be verified. No
  tenant exists yet; the app may only insert, and ``auth_claim_signup`` claims one by its token, once.
"""

from __future__ import annotations

from alembic import op

revision = "0033_operators_and_onboarding"
down_revision = "0032_handover_follow_up"
branch_labels = None
depends_on = None

CURRENT_USER = "(select nullif(current_setting('engium.user_id', true), '')::uuid)"

SCHEMA = f"""
alter table tenants add column suspended_at timestamptz;
alter table tenants add column suspension_reason text check (length(suspension_reason) <= 500);

create table password_resets (
    id uuid primary key,
    user_id uuid not null references users (id) on delete cascade,
    token_hash bytea not null unique check (length(token_hash) = 32),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz,
    check (expires_at > created_at)
);
create index password_resets_user_idx on password_resets (user_id, created_at);
alter table password_resets enable row level security;
alter table password_resets force row level security;
create policy reset_owner on password_resets to engium_app
    using (user_id = {CURRENT_USER}) with check (user_id = {CURRENT_USER});
grant select, insert, update on password_resets to engium_app;
create policy reset_resolver on password_resets for select to engium_auth using (true);
grant select on password_resets to engium_auth;

create table signup_requests (
    id uuid primary key,
    email text not null check (length(email) between 3 and 320),
    email_normalized text not null check (length(email_normalized) between 3 and 320),
    business_name text not null check (length(business_name) between 1 and 200),
    timezone text not null check (length(timezone) between 1 and 64),
    token_hash bytea not null unique check (length(token_hash) = 32),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    verified_at timestamptz,
    check (expires_at > created_at)
);
create index signup_requests_email_idx on signup_requests (email_normalized, created_at);
alter table signup_requests enable row level security;
alter table signup_requests force row level security;
create policy signup_insert on signup_requests for insert to engium_app with check (verified_at is null);
grant insert on signup_requests to engium_app;
create policy signup_resolver on signup_requests for select to engium_auth using (true);
create policy signup_claimer on signup_requests for update to engium_auth using (true) with check (true);
grant select, update (verified_at) on signup_requests to engium_auth;

create function auth_tenant_suspended(p_tenant_id uuid) returns boolean
language sql stable security definer set search_path = pg_catalog, public as $$
    select coalesce((select t.suspended_at is not null from public.tenants t where t.id = p_tenant_id), false)
$$;

create function auth_password_reset(p_token_hash bytea)
returns table (reset_id uuid, user_id uuid)
language sql stable security definer set search_path = pg_catalog, public as $$
    select r.id, r.user_id from public.password_resets r
     where r.token_hash = p_token_hash and r.used_at is null and r.expires_at > now()
$$;

create function auth_signup_open(p_token_hash bytea) returns text
language sql stable security definer set search_path = pg_catalog, public as $$
    select s.business_name from public.signup_requests s
     where s.token_hash = p_token_hash and s.verified_at is null and s.expires_at > now()
$$;

-- Claims an open sign-up once: the row lock makes a second click wait, then find it verified.
create function auth_claim_signup(p_token_hash bytea)
returns table (signup_id uuid, email text, business_name text, timezone text)
language sql volatile security definer set search_path = pg_catalog, public as $$
    update public.signup_requests s set verified_at = now()
     where s.token_hash = p_token_hash and s.verified_at is null and s.expires_at > now()
    returning s.id, s.email, s.business_name, s.timezone
$$;
"""

# Used or expired links are worthless a week after expiry: the daily retention job deletes them
# (privacy/retention.py, purge_onboarding), as engium_auth, only rows that old.
PURGE = """
create policy reset_purger on password_resets for delete to engium_auth
    using (expires_at < now() - interval '7 days');
grant delete on password_resets to engium_auth;
create policy signup_purger on signup_requests for delete to engium_auth
    using (expires_at < now() - interval '7 days');
grant delete on signup_requests to engium_auth;

create function onboarding_purge() returns table (password_resets bigint, signup_requests bigint)
language sql volatile security definer set search_path = pg_catalog, public as $$
    with resets as (
        delete from public.password_resets where expires_at < now() - interval '7 days' returning 1
    ), signups as (
        delete from public.signup_requests where expires_at < now() - interval '7 days' returning 1
    )
    select (select count(*) from resets), (select count(*) from signups)
$$;
"""

FUNCTIONS = ("auth_tenant_suspended(uuid)", "auth_password_reset(bytea)", "auth_signup_open(bytea)",
             "auth_claim_signup(bytea)", "onboarding_purge()")


def upgrade() -> None:
    op.execute(SCHEMA)
    op.execute(PURGE)
    for signature in FUNCTIONS:
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")


def downgrade() -> None:
    for signature in FUNCTIONS:
        op.execute(f"drop function if exists {signature}")
    op.execute("drop table if exists signup_requests")
    op.execute("drop table if exists password_resets")
    op.execute("alter table tenants drop column if exists suspension_reason")
    op.execute("alter table tenants drop column if exists suspended_at")
