"""Staff inbox tools: canned responses, and a full-text index over message text.

Revision ID: 0034_inbox_tools
Revises: 0033_operators_and_onboarding

``consents`` gains an UPDATE grant on ``contact_id`` alone, for contact merges.

``canned_responses`` holds a business's ready-made replies (a title, the text, an optional shortcut unique in
the tenant): a tenant table with forced RLS like every other.

``messages_body_search_idx`` is a GIN index on the expression ``message_search_document(body)``, which is
``to_tsvector('simple', body)`` (ADR 0039).
An expression index, not a stored tsvector column: the searchable form of a text exists only in the index,
which PostgreSQL keeps in step with ``body``, so a message deleted (erasure, retention) or rewritten
(redaction) is unsearchable as soon as that change commits; there is no second copy to forget.

The index is built inside the migration's transaction, under the session's lock_timeout (5 s,
migrations/env.py): if a long transaction holds ``messages``, the migration fails fast instead of queueing every
request behind its lock. The build then blocks writes to ``messages`` (not reads) while it runs: seconds for a
million messages (ADR 0039). A deployment with far more can build it beforehand without blocking writes,
``create index concurrently messages_body_search_idx on messages using gin (message_search_document(body))``
(after creating the function); the migration keeps an index of that name (``if not exists``), after dropping
one that a failed concurrent build left INVALID.
"""

from __future__ import annotations

from alembic import op

from engium.migrations.tenant_rls import enable_tenant_rls

revision = "0034_inbox_tools"
down_revision = "0033_operators_and_onboarding"
branch_labels = None
depends_on = None

SEARCH_INDEX = "messages_body_search_idx"

SCHEMA = """
create table canned_responses (
    tenant_id uuid not null references tenants (id) on delete cascade,
    id uuid not null,
    title text not null check (length(title) between 1 and 200),
    body text not null check (length(body) between 1 and 10000),
    -- Typed in the reply box after a '/': letters, digits, '-' and '_' only, unique in the business.
    shortcut text check (shortcut ~ '^[a-z0-9_-]{1,40}$'),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create unique index canned_responses_shortcut_key on canned_responses (tenant_id, shortcut)
    where shortcut is not null;
create index canned_responses_title_idx on canned_responses (tenant_id, title, id);

-- What the search index holds for a message: its words under the 'simple' configuration (ADR 0039). PL/pgSQL,
-- not SQL: a SQL function would be inlined into queries and no longer match the index expression. The high
-- COST tells the planner that computing it row by row (walking a tenant's messages and filtering) is dear.
create function message_search_document(body text) returns tsvector
language plpgsql immutable strict parallel safe cost 10000 as $$
begin
    return to_tsvector('simple'::regconfig, body);
end
$$;

-- The words are looked up through this SECURITY DEFINER function, as knowledge_match_chunks does (migration
-- 0010): under RLS the planner evaluates a query's own conditions before the policy only when they are
-- LEAKPROOF, and @@ is not, so as engium_app the GIN index could never serve a match (every search read all
-- of the tenant's messages: over a second at 100,000). It runs as the owner, whose policy
-- messages_text_search shows it every row, and returns keys of the bound tenant's messages only, the rows RLS
-- shows the caller: nothing without a bound tenant.
create policy messages_text_search on messages for select to engium_owner using (true);
create function match_messages(p_query tsquery, p_from timestamptz, p_before timestamptz)
returns table (tenant_id uuid, id uuid, conversation_id uuid, created_at timestamptz)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
declare
    v_bound uuid := nullif(current_setting('engium.tenant_id', true), '')::uuid;
begin
    if v_bound is null then
        return;
    end if;
    return query
        select m.tenant_id, m.id, m.conversation_id, m.created_at
        from public.messages m
        where m.tenant_id = v_bound and public.message_search_document(m.body) @@ p_query
          and (p_from is null or m.created_at >= p_from) and (p_before is null or m.created_at < p_before);
end
$$;
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    enable_tenant_rls("canned_responses")
    # Every function has explicit grants (tests/tenancy/test_catalog.py): the app's searches call this one.
    op.execute("revoke all on function message_search_document(text) from public")
    op.execute("grant execute on function message_search_document(text) to engium_app")
    op.execute("revoke all on function match_messages(tsquery, timestamptz, timestamptz) from public")
    op.execute("grant execute on function match_messages(tsquery, timestamptz, timestamptz) to engium_app")
    # A contact merge moves the consent history to the remaining contact (privacy/contact_merge.py). The history
    # stays append-only otherwise: only the reference column may change, never a decision or its evidence.
    op.execute("grant update (contact_id) on consents to engium_app")
    op.execute(f"""
        do $$ begin
            if exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid
                       where c.relname = '{SEARCH_INDEX}' and not i.indisvalid) then
                execute 'drop index {SEARCH_INDEX}';
            end if;
        end $$
    """)
    op.execute(
        f"create index if not exists {SEARCH_INDEX} on messages using gin (message_search_document(body))"
    )


def downgrade() -> None:
    op.execute(f"drop index if exists {SEARCH_INDEX}")
    op.execute("revoke update (contact_id) on consents from engium_app")
    op.execute("drop function if exists match_messages(tsquery, timestamptz, timestamptz)")
    op.execute("drop policy if exists messages_text_search on messages")
    op.execute("drop table if exists canned_responses")
    op.execute("drop function if exists message_search_document(text)")
