"""Core schema: tenants, identity, conversations, bookings, with forced row-level security.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CURRENT_TENANT = "(select nullif(current_setting('engium.tenant_id', true), '')::uuid)"
CURRENT_USER_ID = "(select nullif(current_setting('engium.user_id', true), '')::uuid)"

# Tables whose rows belong to one tenant. Each gets ENABLE + FORCE RLS, one policy bound to the
# transaction-local tenant, and DML grants for engium_app.
TENANT_TABLES = (
    "memberships",
    "tenant_settings",
    "sessions",
    "api_keys",
    "contacts",
    "conversations",
    "messages",
    "services",
    "staff",
    "staff_services",
    "availability_rules",
    "availability_exceptions",
    "bookings",
)

# The credential resolver (engium_auth) reads these across tenants, only through the
# SECURITY DEFINER functions below.
AUTH_READABLE = ("tenants", "users", "memberships", "sessions", "api_keys")

SCHEMA = """
create table tenants (
    id uuid primary key,
    name text not null check (length(name) between 1 and 200),
    created_at timestamptz not null default now()
);

create table users (
    id uuid primary key,
    email text not null check (length(email) between 3 and 320),
    email_normalized text not null,
    display_name text not null default '' check (length(display_name) <= 200),
    password_hash text,
    totp_secret text,
    totp_enabled boolean not null default false,
    failed_login_count integer not null default 0,
    locked_until timestamptz,
    created_at timestamptz not null default now(),
    constraint users_email_normalized_key unique (email_normalized)
);

create table memberships (
    tenant_id uuid not null references tenants (id) on delete cascade,
    user_id uuid not null references users (id) on delete cascade,
    role text not null check (role in ('owner', 'admin', 'agent', 'auditor')),
    created_at timestamptz not null default now(),
    primary key (tenant_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table tenant_settings (
    tenant_id uuid primary key references tenants (id) on delete cascade,
    business_name text not null,
    timezone text not null default 'UTC',
    phone text,
    email text,
    website text,
    address text,
    opening_hours jsonb not null default '{}'::jsonb,
    -- Until the knowledge base exists (documents, retrieval), short FAQs live with the profile.
    faqs jsonb not null default '[]'::jsonb check (jsonb_typeof(faqs) = 'array'),
    assistant_persona text not null default '',
    escalation_rules jsonb not null default '{}'::jsonb,
    mfa_required boolean not null default false,
    updated_at timestamptz not null default now()
);

create table sessions (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    user_id uuid not null,
    token_hash bytea not null,
    csrf_hash bytea not null,
    mfa_verified boolean not null,
    created_at timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    expires_at timestamptz not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references memberships (tenant_id, user_id) on delete cascade
);
create index sessions_token_hash_idx on sessions (token_hash);

create table api_keys (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    name text not null check (length(name) between 1 and 100),
    key_prefix text not null,
    key_hash bytea not null,
    role text not null check (role in ('owner', 'admin', 'agent', 'auditor')),
    created_by_user_id uuid references users (id) on delete set null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    primary key (tenant_id, id)
);
create index api_keys_key_hash_idx on api_keys (key_hash);

create table contacts (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    name text not null default '' check (length(name) <= 200),
    email text check (length(email) <= 320),
    phone text check (length(phone) <= 32),
    widget_id text check (length(widget_id) <= 128),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint contacts_email_key unique (tenant_id, email),
    constraint contacts_phone_key unique (tenant_id, phone),
    constraint contacts_widget_id_key unique (tenant_id, widget_id)
);
-- Ascending is enough: a backward scan serves the newest-first listing.
create index contacts_created_idx on contacts (tenant_id, created_at, id);

create table conversations (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    contact_id uuid not null,
    channel text not null check (channel in ('web', 'sms', 'whatsapp', 'email')),
    status text not null default 'open' check (status in ('open', 'pending', 'escalated', 'resolved')),
    assignee_user_id uuid,
    subject text not null default '' check (length(subject) <= 200),
    escalation_reason text check (length(escalation_reason) <= 1000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    last_message_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    foreign key (tenant_id, assignee_user_id) references memberships (tenant_id, user_id)
);
create index conversations_recent_idx on conversations (tenant_id, last_message_at, id);
create index conversations_contact_idx on conversations (tenant_id, contact_id);

create table messages (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    conversation_id uuid not null,
    direction text not null check (direction in ('inbound', 'outbound')),
    author_kind text not null check (author_kind in ('contact', 'assistant', 'agent')),
    author_user_id uuid,
    body text not null check (length(body) between 1 and 10000),
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade
);
create index messages_conversation_idx on messages (tenant_id, conversation_id, created_at, id);

create table services (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    name text not null check (length(name) between 1 and 200),
    description text not null default '' check (length(description) <= 2000),
    duration_minutes integer not null check (duration_minutes between 5 and 1440),
    price_cents integer check (price_cents >= 0),
    currency text not null default 'USD' check (currency ~ '^[A-Z]{3}$'),
    active boolean not null default true,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    constraint services_name_key unique (tenant_id, name)
);

create table staff (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    name text not null check (length(name) between 1 and 200),
    email text check (length(email) <= 320),
    active boolean not null default true,
    -- Bumped by the booking trigger: the row lock serialises bookings per staff member.
    booking_version bigint not null default 0,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id)
);

create table staff_services (
    tenant_id uuid not null references tenants (id) on delete cascade,
    staff_id uuid not null,
    service_id uuid not null,
    primary key (tenant_id, staff_id, service_id),
    foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade,
    foreign key (tenant_id, service_id) references services (tenant_id, id) on delete cascade
);

create table availability_rules (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    staff_id uuid not null,
    weekday smallint not null check (weekday between 0 and 6),
    start_time time not null,
    end_time time not null,
    primary key (tenant_id, id),
    foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade,
    check (end_time > start_time)
);

create table availability_exceptions (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    staff_id uuid not null,
    on_date date not null,
    kind text not null check (kind in ('closed', 'open')),
    start_time time,
    end_time time,
    note text not null default '' check (length(note) <= 500),
    primary key (tenant_id, id),
    foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade,
    check ((start_time is null and end_time is null and kind = 'closed')
           or (start_time is not null and end_time is not null and end_time > start_time))
);

create table bookings (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    service_id uuid not null,
    staff_id uuid not null,
    contact_id uuid not null,
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    status text not null default 'confirmed' check (status in ('confirmed', 'cancelled')),
    notes text not null default '' check (length(notes) <= 2000),
    created_at timestamptz not null default now(),
    cancelled_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, service_id) references services (tenant_id, id),
    foreign key (tenant_id, staff_id) references staff (tenant_id, id),
    foreign key (tenant_id, contact_id) references contacts (tenant_id, id) on delete cascade,
    check (ends_at > starts_at)
);
create index bookings_staff_time_idx on bookings (tenant_id, staff_id, starts_at);
create index bookings_start_idx on bookings (tenant_id, starts_at, id);

-- Double booking is prevented in the database, on any PostgreSQL (no btree_gist needed):
-- updating the staff row takes a row lock that serialises concurrent bookings for that staff
-- member, and under REPEATABLE READ/SERIALIZABLE a concurrent update raises a serialisation error
-- instead of silently proceeding. The overlap check that follows runs with a fresh snapshot.
create function bookings_prevent_overlap() returns trigger
language plpgsql security invoker set search_path = pg_catalog, public as $$
begin
    if new.status <> 'confirmed' then
        return new;
    end if;
    update staff set booking_version = booking_version + 1
     where tenant_id = new.tenant_id and id = new.staff_id;
    if exists (
        select 1 from bookings b
         where b.tenant_id = new.tenant_id and b.staff_id = new.staff_id
           and b.status = 'confirmed' and b.id <> new.id
           and b.starts_at < new.ends_at and b.ends_at > new.starts_at
    ) then
        raise exception 'booking overlaps an existing booking for this staff member'
            using errcode = 'exclusion_violation';
    end if;
    return new;
end
$$;
create trigger bookings_prevent_overlap
    before insert or update of staff_id, starts_at, ends_at, status on bookings
    for each row execute function bookings_prevent_overlap();
"""

AUTH_FUNCTIONS = """
create function auth_api_key(p_key_hash bytea)
returns table (tenant_id uuid, api_key_id uuid, role text, last_used_at timestamptz)
language sql stable security definer set search_path = pg_catalog, public as $$
    select k.tenant_id, k.id, k.role, k.last_used_at
      from public.api_keys k
     where k.key_hash = p_key_hash and k.revoked_at is null
$$;

create function auth_session(p_token_hash bytea)
returns table (tenant_id uuid, session_id uuid, user_id uuid, role text, mfa_verified boolean,
               csrf_hash bytea, last_seen_at timestamptz)
language sql stable security definer set search_path = pg_catalog, public as $$
    select s.tenant_id, s.id, s.user_id, m.role, s.mfa_verified, s.csrf_hash, s.last_seen_at
      from public.sessions s
      join public.memberships m on m.tenant_id = s.tenant_id and m.user_id = s.user_id
     where s.token_hash = p_token_hash and s.expires_at > now()
$$;

create function auth_login_lookup(p_email_normalized text)
returns table (user_id uuid, password_hash text, locked_until timestamptz, totp_enabled boolean,
               totp_secret text)
language sql stable security definer set search_path = pg_catalog, public as $$
    select u.id, u.password_hash, u.locked_until, u.totp_enabled, u.totp_secret
      from public.users u
     where u.email_normalized = p_email_normalized
$$;

create function auth_login_result(p_user_id uuid, p_success boolean, p_max_failures integer,
                                  p_lockout interval)
returns timestamptz
language plpgsql volatile security definer set search_path = pg_catalog, public as $$
declare
    v_locked timestamptz;
begin
    if p_success then
        update public.users set failed_login_count = 0, locked_until = null where id = p_user_id;
        return null;
    end if;
    update public.users
       set failed_login_count = failed_login_count + 1,
           locked_until = case when failed_login_count + 1 >= p_max_failures
                               then now() + p_lockout else locked_until end
     where id = p_user_id
    returning locked_until into v_locked;
    return v_locked;
end
$$;

create function auth_user_tenants(p_user_id uuid)
returns table (tenant_id uuid, tenant_name text, role text)
language sql stable security definer set search_path = pg_catalog, public as $$
    select m.tenant_id, t.name, m.role
      from public.memberships m join public.tenants t on t.id = m.tenant_id
     where m.user_id = p_user_id
     order by t.name, m.tenant_id
$$;

create function auth_find_user(p_email_normalized text)
returns uuid
language sql stable security definer set search_path = pg_catalog, public as $$
    select u.id from public.users u where u.email_normalized = p_email_normalized
$$;
"""

AUTH_FUNCTION_SIGNATURES = (
    "auth_api_key(bytea)",
    "auth_session(bytea)",
    "auth_login_lookup(text)",
    "auth_login_result(uuid, boolean, integer, interval)",
    "auth_user_tenants(uuid)",
    "auth_find_user(text)",
)


def upgrade() -> None:
    op.execute(SCHEMA)

    for table in TENANT_TABLES:
        op.execute(f"alter table {table} enable row level security")
        op.execute(f"alter table {table} force row level security")
        op.execute(
            f"create policy tenant_isolation on {table} to engium_app "
            f"using (tenant_id = {CURRENT_TENANT}) with check (tenant_id = {CURRENT_TENANT})"
        )
        op.execute(f"grant select, insert, update, delete on {table} to engium_app")

    # tenants: a transaction sees only the tenant it is bound to, and may create only that tenant.
    op.execute("alter table tenants enable row level security")
    op.execute("alter table tenants force row level security")
    op.execute(
        f"create policy tenant_self on tenants to engium_app "
        f"using (id = {CURRENT_TENANT}) with check (id = {CURRENT_TENANT})"
    )
    op.execute("grant select, insert, update, delete on tenants to engium_app")

    # users are global identities: visible to themselves and to tenants they are a member of.
    op.execute("alter table users enable row level security")
    op.execute("alter table users force row level security")
    op.execute(
        "create policy user_visible on users for select to engium_app using ("
        f"id = {CURRENT_USER_ID} or exists (select 1 from memberships m "
        f"where m.user_id = users.id and m.tenant_id = {CURRENT_TENANT}))"
    )
    op.execute("create policy user_signup on users for insert to engium_app with check (true)")
    op.execute(
        f"create policy user_self_update on users for update to engium_app "
        f"using (id = {CURRENT_USER_ID}) with check (id = {CURRENT_USER_ID})"
    )
    op.execute("grant select, insert, update on users to engium_app")

    for table in AUTH_READABLE:
        op.execute(f"create policy credential_resolver on {table} to engium_auth using (true)")
        op.execute(f"grant select on {table} to engium_auth")
    op.execute(
        "grant update (failed_login_count, locked_until) on users to engium_auth"
    )

    op.execute(AUTH_FUNCTIONS)
    for signature in AUTH_FUNCTION_SIGNATURES:
        # Grants first: only the current owner can change them, and ALTER OWNER carries them over.
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")
        op.execute(f"alter function {signature} owner to engium_auth")
    op.execute("revoke all on function bookings_prevent_overlap() from public")
    op.execute("grant execute on function bookings_prevent_overlap() to engium_app")


def downgrade() -> None:
    for signature in AUTH_FUNCTION_SIGNATURES:
        op.execute(f"drop function if exists {signature}")
    for table in reversed(("tenants", "users", *TENANT_TABLES)):
        op.execute(f"drop table if exists {table} cascade")
    op.execute("drop function if exists bookings_prevent_overlap()")
