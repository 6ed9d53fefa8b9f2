"""One job runtime: procrastinate's tables replace the generic ``jobs`` table and the due scans.

Revision ID: 0014
Revises: 0013

* procrastinate's schema, as shipped by the installed (pinned) version, owned by ``engium_owner``;
  ``engium_app`` may use its tables and call its functions, and nothing is executable by PUBLIC.
  Its tables are global: a job's arguments are a tenant id and other ids, never text or secrets,
  and every task binds that tenant before it reads anything (ADR 0018).
* Outbound messages get their delivery state (queued → sent or failed, with the provider's error):
  it used to be visible only as the status of a ``channel.send`` row in ``jobs``.
* Work still pending in ``jobs`` (replies to send, messages to answer) and in ``webhook_deliveries``
  is queued again as procrastinate jobs; then ``jobs``, ``channel_due_jobs()`` and
  ``webhook_due_deliveries()`` go, with the index that served the due scan.
"""

from __future__ import annotations

from alembic import op
from procrastinate.schema import SchemaManager

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

PROCRASTINATE_TABLES = ("procrastinate_workers", "procrastinate_jobs", "procrastinate_periodic_defers",
                        "procrastinate_events")

MESSAGES = """
alter table messages
    add column delivery_status text check (delivery_status in ('queued', 'sent', 'failed')),
    add column delivery_error text check (length(delivery_error) <= 500),
    add column delivery_updated_at timestamptz;

update messages m
   set delivery_status = case j.status when 'done' then 'sent' when 'failed' then 'failed' else 'queued' end,
       delivery_error = j.last_error, delivery_updated_at = j.updated_at
  from jobs j
 where j.kind = 'channel.send' and j.tenant_id = m.tenant_id and j.payload ->> 'message_id' = m.id::text;
"""

REQUEUE = """
insert into procrastinate_jobs (queue_name, task_name, lock, args, scheduled_at)
select 'default',
       case j.kind when 'channel.send' then 'channels.send' else 'assistant.reply' end,
       case j.kind when 'assistant.reply' then 'conversation:' || (j.payload ->> 'conversation_id') end,
       jsonb_build_object('tenant_id', j.tenant_id::text) || j.payload,
       j.run_after
  from jobs j
 where j.status = 'pending' and j.kind in ('channel.send', 'assistant.reply');

insert into procrastinate_jobs (queue_name, task_name, args, scheduled_at)
select 'default', 'webhooks.deliver',
       jsonb_build_object('tenant_id', d.tenant_id::text, 'delivery_id', d.id::text),
       coalesce(d.next_attempt_at, now())
  from webhook_deliveries d
 where d.status = 'pending';
"""


def upgrade() -> None:
    bind = op.get_bind()
    # Straight to psycopg without parameters, so the file's own % signs are not read as placeholders.
    driver = bind.connection.driver_connection
    assert driver is not None
    driver.execute(SchemaManager.get_schema())
    for table in PROCRASTINATE_TABLES:
        op.execute(f"grant select, insert, update, delete on {table} to engium_app")
    op.execute("grant usage, select on all sequences in schema public to engium_app")
    functions = bind.exec_driver_sql(
        "select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        "where n.nspname = 'public' and p.proname like 'procrastinate%%' and p.prokind = 'f'"
    ).scalars().all()
    for signature in functions:
        op.execute(f"revoke all on function {signature} from public")
        op.execute(f"grant execute on function {signature} to engium_app")

    op.execute(MESSAGES)
    op.execute(REQUEUE)
    op.execute("drop function if exists channel_due_jobs(text, timestamptz, integer)")
    op.execute("drop function if exists webhook_due_deliveries(timestamptz, integer)")
    op.execute("drop index if exists webhook_deliveries_due_idx")
    op.execute("drop table jobs")


def downgrade() -> None:
    raise NotImplementedError("0014 is not reversible: pending work moved into procrastinate's queue")
