"""Booking reminder throughput: --bookings (5,000) reminders due at once in one business, sent by the reminder
run (assistant/reminders.py) against the embedded PostgreSQL.

Seeds as the superuser (set-based SQL, triggers off for the load): one business, --staff members, and per
booking a contact with a phone number and an SMS conversation, all bookings starting within the next 24 hours
and booked a week ago, so every one is due. Then times what the periodic job does: batches taken ``for update
skip locked``, each reminder claimed in ``booking_messages``, written in the customer's conversation (the
assistant message, its ``message.created`` audit event, its queued ``channels.send`` job) and recorded
(``booking.notice_sent``). --workers runs that many reminder runs at once, as several job workers would; the
total must still be one reminder per booking. Prints one JSON object.

    .venv/bin/python bench/reminders.py > docs/perf/reminders.json
    .venv/bin/python bench/reminders.py --quick        # 500 bookings
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchlib import emit, libpq_url, log, machine_info, setup_logging
from engium.assistant.reminders import RunTally, remind_tenant
from engium.kit.database import Database
from engium.mail.settings import MailSettings

SEED = """
set session_replication_role = replica;
insert into tenants (id, name) values (%(t)s, 'bench-reminders');
insert into tenant_settings (tenant_id, business_name, timezone) values (%(t)s, 'Bench Salon', 'Europe/London');
insert into services (tenant_id, id, name, duration_minutes, price_cents, currency)
    values (%(t)s, %(service)s, 'Haircut', 30, 3000, 'GBP');
insert into staff (tenant_id, id, name)
    select %(t)s, gen_random_uuid(), 'Stylist ' || g from generate_series(1, %(staff)s::int) g;
create temporary table bench_rows as
    select g, gen_random_uuid() as contact_id, gen_random_uuid() as conversation_id, gen_random_uuid() as booking_id
      from generate_series(1, %(n)s::int) g;
insert into contacts (tenant_id, id, name, phone)
    select %(t)s, contact_id, 'Customer ' || g, '+1555' || lpad(g::text, 7, '0') from bench_rows;
insert into conversations (tenant_id, id, contact_id, channel, status)
    select %(t)s, conversation_id, contact_id, 'sms', 'open' from bench_rows;
insert into bookings (tenant_id, id, service_id, staff_id, contact_id, starts_at, ends_at, created_at)
    select %(t)s, r.booking_id, %(service)s, s.id, r.contact_id,
           date_trunc('minute', now()) + interval '1 hour' + ((r.g / %(staff)s::int) * interval '30 minutes'),
           date_trunc('minute', now()) + interval '90 minutes' + ((r.g / %(staff)s::int) * interval '30 minutes'),
           now() - interval '7 days'
      from bench_rows r
      join (select id, row_number() over (order by id) - 1 as k from staff where tenant_id = %(t)s) s
        on s.k = r.g %% %(staff)s::int;
set session_replication_role = default;
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookings", type=int, default=None)
    parser.add_argument("--staff", type=int, default=250, help="bookings spread over this many staff members")
    parser.add_argument("--workers", type=int, default=1, help="reminder runs at once")
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--data-dir", type=Path, default=None)
    return parser.parse_args()


def seed(su: psycopg.Connection[Any], tenant_id: uuid.UUID, bookings: int, staff: int) -> float:
    started = time.perf_counter()
    params = {"t": tenant_id, "service": uuid.uuid4(), "staff": staff, "n": bookings}
    for statement in filter(None, (part.strip() for part in SEED.split(";\n"))):
        # One statement at a time: a parameterised execute takes only one.
        su.execute(statement, {k: v for k, v in params.items() if f"%({k})s" in statement})
    su.commit()
    return time.perf_counter() - started


def run(database: Database, tenant_id: uuid.UUID, workers: int, batch: int) -> tuple[float, list[RunTally]]:
    tallies: list[RunTally] = []
    barrier = threading.Barrier(workers)

    def one() -> None:
        barrier.wait()
        tallies.append(remind_tenant(database, tenant_id, datetime.now(UTC), MailSettings(), batch=batch))

    threads = [threading.Thread(target=one) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, tallies


def main() -> None:
    args = parse_args()
    setup_logging()
    bookings = args.bookings or (500 if args.quick else 5000)
    temp_dir = None if args.data_dir else Path(tempfile.mkdtemp(prefix="engium-bench-reminders-"))
    data_dir = args.data_dir or temp_dir
    assert data_dir is not None
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir, pool_size=max(2, args.workers + 1))
    tenant_id = uuid.uuid4()
    try:
        database.migrate()
        assert database.embedded is not None, "the benchmark seeds the embedded PostgreSQL as its superuser"
        with psycopg.connect(libpq_url(database.embedded.superuser_url)) as su:
            seed_s = seed(su, tenant_id, bookings, min(args.staff, bookings))
            version = str(su.execute("show server_version").fetchone()[0])  # type: ignore[index]
        log.info("seeded %d due bookings in %.1f s; sending reminders with %d worker(s)", bookings, seed_s,
                 args.workers)
        elapsed, tallies = run(database, tenant_id, args.workers, args.batch)
        with psycopg.connect(libpq_url(database.embedded.superuser_url)) as su:
            recorded = su.execute("select count(*), count(distinct booking_id) from booking_messages "
                                  "where tenant_id = %(t)s and kind = 'reminder'", {"t": tenant_id}).fetchone()
            messages = su.execute("select count(*) from messages where tenant_id = %(t)s and author_kind = "
                                  "'assistant'", {"t": tenant_id}).fetchone()
        assert recorded is not None
        assert messages is not None
        sent = sum(t.sent for t in tallies)
        assert sent == bookings == recorded[0] == recorded[1] == messages[0], (sent, recorded, messages)
        emit({
            "benchmark": "reminders",
            "quick": bool(args.quick),
            "due_bookings": bookings,
            "staff": min(args.staff, bookings),
            "workers": args.workers,
            "batch": args.batch,
            "postgres": version,
            "machine": machine_info(),
            "seed_s": round(seed_s, 2),
            "elapsed_s": round(elapsed, 2),
            "reminders_sent": sent,
            "each_sent_once": True,
            "headline": {"metric": "reminder job throughput", "reminders_per_s": round(sent / elapsed, 1)},
        })
    finally:
        database.close()
        if temp_dir is not None:
            shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
