"""Data lifecycle: time to export and to erase one contact with many messages, and the retention run's
throughput in rows per second.

Starts the embedded PostgreSQL in a fresh temp data dir, migrates, provisions a tenant, then:

* seeds one contact with ``--messages`` messages over 10 conversations (as engium_app, under RLS), files
  an export and an erasure request through the privacy services and times each fulfilment (the whole
  transaction: bundle built and serialised; every store erased, certificate signed);
* seeds ``--expired`` expired conversations of 5 messages each (plus as many idle contacts) and times
  ``run_for_tenant`` (batched, one ``retention.purged`` proof per batch).

Usage:
    .venv/bin/python bench/privacy.py                     # 10,000 messages, 20,000 expired conversations
    .venv/bin/python bench/privacy.py --quick             # 2,000 and 2,000
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import text

from benchlib import emit, log, machine_info, setup_logging
from engium import provisioning
from engium.access.principal import Principal
from engium.audit.signing import load_or_create_signing_key, signing_key_path
from engium.config import Settings
from engium.kit.database import Database
from engium.privacy import requests
from engium.privacy.erasure import fulfil_erasure
from engium.privacy.export import fulfil_export
from engium.privacy.retention import run_for_tenant
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction

TARGET_SECONDS = 10.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--expired", type=int, default=20_000, help="expired conversations for retention")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    return parser.parse_args()


def provision(runtime: Runtime) -> uuid.UUID:
    with runtime.database.transaction() as session:
        provisioned = provisioning.provision_tenant(
            session, runtime.passwords, name=f"Bench {uuid.uuid4().hex[:8]}",
            owner_email=f"bench-{uuid.uuid4().hex[:10]}@example.com", owner_password=None,
        )
    return provisioned.tenant_id


def seed_subject(database: Database, tenant_id: uuid.UUID, messages: int) -> uuid.UUID:
    contact = uuid.uuid4()
    with tenant_transaction(database, tenant_id) as session:
        session.execute(text("insert into contacts (tenant_id, id, name, email, phone) values "
                             "(:t, :c, 'Bench Subject', 'subject@example.com', '+15550001111')"),
                        {"t": tenant_id, "c": contact})
        session.execute(text(
            "insert into conversations (tenant_id, id, contact_id, channel) "
            "select :t, gen_random_uuid(), :c, 'sms' from generate_series(1, 10)"), {"t": tenant_id, "c": contact})
        session.execute(text(
            "insert into messages (tenant_id, id, conversation_id, direction, author_kind, body) "
            "select :t, gen_random_uuid(), c.id, 'inbound', 'contact', 'message number ' || g || ' about my booking' "
            "from (select id, row_number() over () as r from conversations where contact_id = :c) c "
            "join generate_series(1, cast(:m as int)) g on g % 10 = c.r - 1"),
            {"t": tenant_id, "c": contact, "m": messages})
    return contact


def seed_expired(database: Database, tenant_id: uuid.UUID, conversations: int) -> None:
    with tenant_transaction(database, tenant_id) as session:
        params = {"t": tenant_id, "n": conversations}
        session.execute(text(
            "insert into contacts (tenant_id, id, name, email, created_at, updated_at) "
            "select :t, gen_random_uuid(), 'Old ' || g, 'old' || g || '@example.com', now() - interval '11 years', "
            "now() - interval '11 years' from generate_series(1, cast(:n as int)) g"), params)
        session.execute(text(
            "insert into conversations (tenant_id, id, contact_id, channel, created_at, updated_at, last_message_at) "
            "select :t, gen_random_uuid(), id, 'sms', created_at, created_at, created_at from contacts "
            "where name like 'Old %'"), params)
        session.execute(text(
            "insert into messages (tenant_id, id, conversation_id, direction, author_kind, body, created_at) "
            "select :t, gen_random_uuid(), c.id, 'inbound', 'contact', 'old message', c.created_at "
            "from conversations c join contacts k on k.id = c.contact_id cross join generate_series(1, 5) "
            "where k.name like 'Old %'"), params)


def timed_request(runtime: Runtime, tenant_id: uuid.UUID, contact: uuid.UUID, kind: str) -> dict[str, Any]:
    principal = Principal.operator(tenant_id, "bench")
    with tenant_transaction(runtime.database, tenant_id) as session:
        request = requests.file_request(session, principal, kind, contact)  # type: ignore[arg-type]
    started = time.perf_counter()
    with tenant_transaction(runtime.database, tenant_id) as session:
        if kind == "export":
            result = json.dumps(fulfil_export(session, principal, request.id))
            size = len(result)
        else:
            signer = load_or_create_signing_key(signing_key_path(runtime.settings))
            result = json.dumps(fulfil_erasure(session, principal, request.id, signer, runtime.embedder))
            size = len(result)
    return {"seconds": round(time.perf_counter() - started, 3), "bytes": size}


def main() -> None:
    args = parse_args()
    setup_logging(args.verbose)
    messages = 2_000 if args.quick else args.messages
    expired = 2_000 if args.quick else args.expired
    temp_dir = Path(tempfile.mkdtemp(prefix="engium-bench-privacy-"))
    database = Database.open(app_url=None, owner_url=None, data_dir=temp_dir, pool_size=4)
    try:
        database.migrate()
        runtime = Runtime(settings=Settings(data_dir=temp_dir, secure_cookies=False), database=database)
        tenant_id = provision(runtime)
        log.info("seeding a contact with %d messages", messages)
        contact = seed_subject(database, tenant_id, messages)
        export = timed_request(runtime, tenant_id, contact, "export")
        log.info("  export: %.2f s", export["seconds"])
        erasure = timed_request(runtime, tenant_id, contact, "erasure")
        log.info("  erasure: %.2f s", erasure["seconds"])
        log.info("seeding %d expired conversations", expired)
        seed_expired(database, tenant_id, expired)
        started = time.perf_counter()
        report = run_for_tenant(database, tenant_id)
        seconds = time.perf_counter() - started
        log.info("  retention: %d rows in %.2f s", report.total, seconds)
    finally:
        database.close()
        shutil.rmtree(temp_dir, ignore_errors=True)
    emit({
        "benchmark": "privacy",
        "machine": machine_info(),
        "messages": messages,
        "export": export,
        "erasure": erasure,
        "retention": {"rows": report.total, "counts": report.counts, "batches": report.batches,
                      "seconds": round(seconds, 3), "rows_per_s": round(report.total / seconds, 1)},
        "headline": {
            "export_s": export["seconds"], "erase_s": erasure["seconds"],
            "retention_rows_per_s": round(report.total / seconds, 1),
            "meets_target": {"export": export["seconds"] < TARGET_SECONDS,
                             "erase": erasure["seconds"] < TARGET_SECONDS},
        },
    })


if __name__ == "__main__":
    main()
