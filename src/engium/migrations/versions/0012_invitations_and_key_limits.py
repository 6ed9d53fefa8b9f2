"""Joining a tenant is an invitation; API keys never outlive their creator's rights; login attempts are
counted before the password is checked; TOTP secrets are encrypted and each time step is used once.

Revision ID: 0012
Revises: 0011

* ``invitations``: a single-use, expiring token (only its SHA-256 is stored) that the invitee redeems,
  setting their own password when the e-mail has no account yet, or signing in with it when it has.
  No tenant can set or read the credentials of an identity another tenant can use (ADR 0015).
* ``api_keys`` learn who made them (``creator_kind``: operator, user or api_key); ``auth_api_key``
  accepts a key only while its creator still holds a role that could grant the key's role, so a
  removed or demoted member's keys stop working in the database itself, whatever the service does.
* ``auth_login_begin`` counts an attempt atomically *before* the password is verified: concurrent
  guesses serialise on the user's row and at most ``max_failures`` of them are ever checked.
* ``users.totp_ciphertext`` holds the TOTP secret under the platform data key (the vault's tenant
  ``00000000-0000-0000-0000-000000000000``, a row in ``tenants`` that no credential resolves to);
  ``totp_last_step`` refuses a code from a time step already used. Existing plain-text secrets are
  encrypted by ``engium migrate``/``serve`` right after this migration (they need the root key).
* ``audit_events.actor_kind`` gains ``operator``: CLI commands are attributed to the operator.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

PLATFORM_TENANT = "00000000-0000-0000-0000-000000000000"
ROLES = "('owner', 'admin', 'agent', 'auditor')"
ACTOR_KINDS = "('user', 'api_key', 'contact', 'webhook', 'system', 'anonymous', 'operator')"

SCHEMA = f"""
create table invitations (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    email text not null check (length(email) between 3 and 320),
    email_normalized text not null check (length(email_normalized) between 3 and 320),
    role text not null check (role in {ROLES}),
    token_hash bytea not null check (octet_length(token_hash) = 32),
    invited_by_kind text not null check (invited_by_kind in ('user', 'api_key', 'operator')),
    invited_by_id text not null default '' check (length(invited_by_id) <= 200),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    accepted_at timestamptz,
    accepted_user_id uuid references users (id) on delete set null,
    revoked_at timestamptz,
    primary key (tenant_id, id),
    check (expires_at > created_at)
);
-- Redeeming looks the token up before any tenant is known (like api_keys_key_hash_idx).
create index invitations_token_hash_idx on invitations (token_hash);
-- One open invitation per address and tenant: a new one supersedes (revokes) the old.
create unique index invitations_one_open on invitations (tenant_id, email_normalized)
    where accepted_at is null and revoked_at is null;

alter table api_keys
    add column creator_kind text not null default 'operator'
        check (creator_kind in ('operator', 'user', 'api_key')),
    add column created_by_api_key_id uuid;
update api_keys set creator_kind = 'user' where created_by_user_id is not null;
alter table api_keys add constraint api_keys_creator_check check (
    (creator_kind = 'operator' and created_by_api_key_id is null)
    or (creator_kind = 'user' and created_by_api_key_id is null)
    or (creator_kind = 'api_key' and created_by_api_key_id is not null));
create index api_keys_creator_idx on api_keys (tenant_id, created_by_user_id);

alter table users
    add column totp_ciphertext bytea
        check (substring(totp_ciphertext from 1 for 4) = '\\x454e4731'::bytea),
    add column totp_last_step bigint;

alter table audit_events drop constraint audit_events_actor_kind_check;
alter table audit_events add constraint audit_events_actor_kind_check check (actor_kind in {ACTOR_KINDS});

-- The platform's own vault tenant: its data keys encrypt secrets that belong to no business (TOTP).
-- The owner has no policy on tenants (FORCE RLS denies it everything); lifted for this one insert, in
-- this transaction only.
alter table tenants no force row level security;
insert into tenants (id, name, public_id)
values ('{PLATFORM_TENANT}', 'Engium platform',
        'pl' || substr(translate(encode(uuid_send(gen_random_uuid()), 'base64'), '+/=', '-_'), 1, 20))
on conflict (id) do nothing;
alter table tenants force row level security;

-- Mirrors identity.permissions.can_grant: a role's permissions are a subset of the granter's.
create function role_can_grant(p_granter text, p_role text) returns boolean
language sql immutable parallel safe set search_path = pg_catalog as $$
    select p_granter = p_role or p_granter = 'owner' or (p_granter = 'admin' and p_role = 'agent')
$$;
"""

FUNCTIONS = f"""
-- A key works while it and every key up the chain that minted it are unrevoked, each was made by a
-- member who still holds a role that could grant it (or by the operator), and each minting key could
-- grant the key it made. A chain longer than 16 fails closed (its top is never found).
create or replace function auth_api_key(p_key_hash bytea)
returns table (tenant_id uuid, api_key_id uuid, role text, last_used_at timestamptz)
language sql stable security definer set search_path = pg_catalog, public as $$
    with recursive chain as (
        select k.tenant_id, k.id, k.role, k.creator_kind, k.created_by_user_id, k.created_by_api_key_id,
               k.revoked_at, k.last_used_at, 1 as depth
          from public.api_keys k
         where k.key_hash = p_key_hash
        union all
        select p.tenant_id, p.id, p.role, p.creator_kind, p.created_by_user_id, p.created_by_api_key_id,
               p.revoked_at, p.last_used_at, c.depth + 1
          from chain c join public.api_keys p on p.tenant_id = c.tenant_id and p.id = c.created_by_api_key_id
         where c.depth < 16
    )
    select k.tenant_id, k.id, k.role, k.last_used_at
      from chain k
     where k.depth = 1
       and not exists (
           select 1
             from chain c
             left join public.memberships m on m.tenant_id = c.tenant_id and m.user_id = c.created_by_user_id
             left join chain p on p.id = c.created_by_api_key_id
            where c.tenant_id = k.tenant_id
              and (c.revoked_at is not null
                   or (c.creator_kind = 'user'
                       and (m.user_id is null or not public.role_can_grant(m.role, c.role)))
                   or (c.creator_kind = 'api_key'
                       and (p.id is null or not public.role_can_grant(p.role, c.role)))))
$$;

drop function auth_login_lookup(text);
create function auth_login_lookup(p_email_normalized text)
returns table (user_id uuid, password_hash text, locked_until timestamptz, totp_enabled boolean,
               totp_ciphertext bytea)
language sql stable security definer set search_path = pg_catalog, public as $$
    select u.id, u.password_hash, u.locked_until, u.totp_enabled, u.totp_ciphertext
      from public.users u
     where u.email_normalized = p_email_normalized
$$;

-- Counts one sign-in attempt before its password is checked; refuses it while the account is locked.
-- The row lock serialises concurrent attempts, so at most p_max_failures are ever verified.
create function auth_login_begin(p_user_id uuid, p_max_failures integer, p_lockout interval)
returns table (allowed boolean, locked_until timestamptz)
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_count integer;
    v_locked timestamptz;
begin
    select u.failed_login_count, u.locked_until into v_count, v_locked
      from public.users u where u.id = p_user_id for update;
    if not found then
        return query select false, null::timestamptz;
        return;
    end if;
    if v_locked is not null and v_locked > now() then
        return query select false, v_locked;
        return;
    end if;
    if v_locked is not null then
        v_count := 0;  -- the lockout has expired: a fresh budget
    end if;
    v_count := v_count + 1;
    v_locked := case when v_count >= p_max_failures then now() + p_lockout end;
    update public.users set failed_login_count = v_count, locked_until = v_locked where id = p_user_id;
    return query select true, v_locked;
end
$$;

-- Marks a TOTP time step used; false when this or a later step was already used (a replayed code).
create function auth_totp_use(p_user_id uuid, p_step bigint) returns boolean
language sql volatile security definer set search_path = pg_catalog, public as $$
    with used as (
        update public.users set totp_last_step = p_step
         where id = p_user_id and (totp_last_step is null or totp_last_step < p_step)
        returning 1
    )
    select exists (select 1 from used)
$$;

-- The TOTP secrets of every user, for re-encryption under a new platform key version (keyset pages),
-- and for encrypting secrets stored in plain text before this migration.
create function auth_totp_page(p_after uuid, p_limit integer, p_legacy_only boolean)
returns table (user_id uuid, totp_ciphertext bytea, totp_plaintext text)
language sql stable security definer set search_path = pg_catalog, public as $$
    select u.id, u.totp_ciphertext, u.totp_secret
      from public.users u
     where (u.totp_ciphertext is not null or u.totp_secret is not null)
       and (not p_legacy_only or u.totp_secret is not null)
       and (p_after is null or u.id > p_after)
     order by u.id
     limit p_limit
$$;

create function auth_totp_store(p_user_id uuid, p_ciphertext bytea) returns void
language sql volatile security definer set search_path = pg_catalog, public as $$
    update public.users set totp_ciphertext = p_ciphertext, totp_secret = null where id = p_user_id
$$;

-- Redeeming an invitation: the tenant and the invitation, found by the token's hash before any tenant is
-- bound; nothing for a used, revoked or expired one.
create function auth_invitation(p_token_hash bytea)
returns table (tenant_id uuid, invitation_id uuid, email text, email_normalized text, role text,
               expires_at timestamptz, tenant_name text)
language sql stable security definer set search_path = pg_catalog, public as $$
    select i.tenant_id, i.id, i.email, i.email_normalized, i.role, i.expires_at, t.name
      from public.invitations i join public.tenants t on t.id = i.tenant_id
     where i.token_hash = p_token_hash and i.accepted_at is null and i.revoked_at is null
       and i.expires_at > now()
$$;

-- Webhook URLs never resolve to the platform's vault tenant.
create or replace function channel_tenant(p_public_id text) returns uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select t.id from public.tenants t
     where t.public_id = p_public_id and t.id <> '{PLATFORM_TENANT}'::uuid
$$;
"""

NEW_FUNCTIONS = (
    "auth_login_lookup(text)",
    "auth_login_begin(uuid, integer, interval)",
    "auth_totp_use(uuid, bigint)",
    "auth_totp_page(uuid, integer, boolean)",
    "auth_totp_store(uuid, bytea)",
    "auth_invitation(bytea)",
)


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("invitations")
    op.execute("create policy credential_resolver on invitations to engium_auth using (true)")
    op.execute("grant select on invitations to engium_auth")
    op.execute("revoke all on function role_can_grant(text, text) from public")
    op.execute("grant execute on function role_can_grant(text, text) to engium_app, engium_auth")
    op.execute("grant update (totp_ciphertext, totp_secret, totp_last_step) on users to engium_auth")
    # Replaced functions keep their owner (engium_auth) and grants; ALTER needs membership in it.
    op.execute("set role engium_auth")
    op.execute(FUNCTIONS)
    for signature in NEW_FUNCTIONS:
        # As their owner: grants on a function can only be changed by the role that owns it.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
    op.execute("reset role")


def downgrade() -> None:
    raise NotImplementedError("0012 is not reversible: it re-encrypts TOTP secrets and replaces credential rules")
