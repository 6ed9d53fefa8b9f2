"""Knowledge documents keep their extracted text, so a citation can quote the exact span it points at.

Revision ID: 0010
Revises: 0009

Chunk offsets (``start_offset``/``end_offset``) index into the document's extracted plain text; until
now that text was not stored, so a citation could not be checked against its source and a document
could not be re-chunked without the original upload. ``knowledge_documents`` gains that text, the
original file name and size (uploads), the number of chunks, and the embedding model that produced the
chunks' vectors (a query embedded by another model must not be compared with them; re-ingesting under
a new model re-embeds even when the text is unchanged). ``content_sha256`` is now the SHA-256 of the
extracted text: re-ingesting text that did not change is a no-op, and the service refuses a second
document with the same text (looked up through the new index). See ADR 0010.

The chunks' GIN index on ``tsv`` is rebuilt with ``fastupdate = off``: with the default pending list,
every full-text query also scans up to 4 MB of not-yet-merged entries (and the planner, pricing that
in, falls back to a sequential scan of the whole partition), so latency depends on when autovacuum last
ran. Without it an insert updates the index directly, which costs far less than embedding the chunk.

Full-text matching goes through ``knowledge_match_chunks()``, a SECURITY DEFINER function, because
under row-level security PostgreSQL may evaluate a query's own conditions before the policy only when
their functions are LEAKPROOF, and ``@@`` (``ts_match_vq``) is not: as ``engium_app`` the GIN index can
never serve a match, and every text search scans the tenant's whole partition (60 ms and more at
100,000 chunks). The function runs as the owner, whose new policy ``knowledge_text_search`` shows it
every row (it owns the table and could lift RLS anyway, as with ``knowledge_partition_manager``), and
returns rows of the bound tenant only, the same rows RLS shows the caller: nothing for any other id.
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The service refuses more than 400,000 extracted characters (embedding time); this is the backstop.
MAX_CONTENT_CHARS = 1_000_000

SCHEMA = f"""
alter table knowledge_documents
    add column content text not null default ''
        check (length(content) <= {MAX_CONTENT_CHARS}),
    add column source_filename text check (length(source_filename) between 1 and 255),
    add column source_bytes integer not null default 0 check (source_bytes >= 0),
    add column chunk_count integer not null default 0 check (chunk_count >= 0),
    add column embedding_model text not null default '' check (length(embedding_model) <= 200);

-- Consistent full-text latency over write speed (see the module docstring). A partitioned index takes
-- no ALTER ... SET, so it is recreated; every partition gets the new definition, future ones too.
drop index knowledge_chunks_tsv_idx;
create index knowledge_chunks_tsv_idx on knowledge_chunks using gin (tsv) with (fastupdate = off);

-- Duplicate detection (same text twice in one tenant) and the newest-first listing.
create index knowledge_documents_sha_idx on knowledge_documents (tenant_id, content_sha256);
create index knowledge_documents_created_idx on knowledge_documents (tenant_id, created_at, id);
"""

TEXT_SEARCH = """
create policy knowledge_text_search on knowledge_chunks for select to engium_owner using (true);

-- The bound tenant's chunks matching p_query, best ts_rank first, ranking at most p_scan matches. The
-- tenant is written into the statement as a literal, so each call is planned for that one partition
-- (plan-time pruning: one partition locked and read) and the partition's GIN index serves the match.
create function knowledge_match_chunks(p_tenant uuid, p_query tsquery, p_k integer, p_scan integer)
returns table (id uuid, document_id uuid, ordinal integer, content text, start_offset integer,
               end_offset integer, score real)
language plpgsql stable security definer set search_path = pg_catalog, public as $$
declare
    v_bound uuid := nullif(current_setting('engium.tenant_id', true), '')::uuid;
begin
    if v_bound is null or p_tenant is distinct from v_bound then
        return;  -- as RLS would: another tenant's chunks, or any without a bound tenant, are not there
    end if;
    return query execute format(
        'select c.id, c.document_id, c.ordinal, c.content, c.start_offset, c.end_offset, ts_rank(c.tsv, $1) '
        'from (select * from public.knowledge_chunks m where m.tenant_id = %L and m.tsv @@ $1 limit $2) c '
        'order by 7 desc, c.id limit $3', v_bound)
        using p_query, greatest(1, least(p_scan, 10000)), greatest(1, least(p_k, 1000));
end
$$;
revoke all on function knowledge_match_chunks(uuid, tsquery, integer, integer) from public;
grant execute on function knowledge_match_chunks(uuid, tsquery, integer, integer) to engium_app;
"""


def upgrade() -> None:
    # Rows stored before this revision (by the storage layer alone: there was no API) keep content ''
    # and chunk_count 0 until re-ingested; their chunks stay searchable. No backfill: forced RLS hides
    # every row from the owner, and counting through a definer function is not worth it for dev data.
    op.execute(SCHEMA)
    op.execute(TEXT_SEARCH)


def downgrade() -> None:
    op.execute("drop function if exists knowledge_match_chunks(uuid, tsquery, integer, integer)")
    op.execute("drop policy if exists knowledge_text_search on knowledge_chunks")
    op.execute("drop index knowledge_chunks_tsv_idx")
    op.execute("create index knowledge_chunks_tsv_idx on knowledge_chunks using gin (tsv)")
    op.execute("drop index if exists knowledge_documents_created_idx")
    op.execute("drop index if exists knowledge_documents_sha_idx")
    op.execute(
        "alter table knowledge_documents drop column if exists content, drop column if exists source_filename, "
        "drop column if exists source_bytes, drop column if exists chunk_count, "
        "drop column if exists embedding_model"
    )
