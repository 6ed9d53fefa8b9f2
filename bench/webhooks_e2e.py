"""End-to-end ingest of signed Twilio SMS webhooks → stored messages, against a real uvicorn server.

Used by ``bench/webhooks.py --e2e``. Starts the embedded PostgreSQL in a fresh temp dir, migrates,
provisions one tenant with an owner API key, then starts ``uvicorn api_server:app_factory`` exactly as
bench/api_throughput.py does and configures the tenant through the API (``public_base_url``, a Twilio
credential). N keep-alive clients then POST correctly signed SMS webhooks (unique MessageSid each,
senders drawn from a pool of phone numbers) to ``/webhooks/twilio/{public_id}/sms`` for a fixed
duration. Reported: accepted webhooks/s, p50/p99 latency, errors, and a consistency check that the
stored inbound messages equal the accepted deliveries (every 200 stored exactly one message).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import random
import shutil
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx2
from sqlalchemy import text

from api_throughput import cpu_by_pid, cpu_delta, descendants, postgres_pids, read_response, start_server
from benchlib import log, percentile
from engium import provisioning
from engium.access.permissions import Role
from engium.config import Settings
from engium.identity import api_keys
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction

PUBLIC_BASE_URL = "https://engium-bench.example"
AUTH_TOKEN = "bench-twilio-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "0" * 32
SENDERS = 1000  # distinct customer numbers: realistic spread over conversations


@dataclass
class Tally:
    latencies_ns: list[int] = field(default_factory=list)
    accepted_total: int = 0  # every 200, warm-up included: each must have stored one message
    ok: int = 0
    errors: Counter[str] = field(default_factory=Counter)


def _provision(database: Database, data_dir: Path) -> tuple[uuid.UUID, str]:
    runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
    with database.transaction() as session:
        provisioned = provisioning.provision_tenant(
            session, runtime.passwords, name="Bench webhooks", owner_email=f"bench-{uuid.uuid4().hex[:8]}@example.com",
            owner_password=None,
        )
        _, key = api_keys.create_api_key(
            session, None, tenant_id=provisioned.tenant_id, name="bench owner key", role=Role.OWNER
        )
    return provisioned.tenant_id, key


def _configure(port: int, api_key: str) -> str:
    """Configures the tenant through the API, as an operator would; returns its public id."""
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx2.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, trust_env=False) as client:
        client.patch("/api/v1/settings", json={"public_base_url": PUBLIC_BASE_URL}).raise_for_status()
        client.post("/api/v1/integrations", json={
            "kind": "twilio", "name": "default", "secret": AUTH_TOKEN,
            "metadata": {"account_sid": ACCOUNT_SID, "phone_number": "+15005550006"},
        }).raise_for_status()
        return str(client.get("/api/v1/tenant").json()["public_id"])


def signed_request(port: int, path: str, sid: str, sender: str) -> bytes:
    params = {"MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": sender, "To": "+15005550006",
              "Body": "Hi, do you have a slot tomorrow at 3pm?", "NumMedia": "0"}
    signed = PUBLIC_BASE_URL + path + "".join(k + params[k] for k in sorted(params))
    signature = base64.b64encode(hmac.new(AUTH_TOKEN.encode(), signed.encode(), hashlib.sha1).digest()).decode()
    body = urlencode(params).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Twilio-Signature: {signature}\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _client(port: int, path: str, measure_from: float, stop_at: float, tally: Tally, rng: random.Random) -> None:
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    while time.perf_counter() < stop_at:
        request = signed_request(port, path, "SM" + uuid.uuid4().hex, f"+1415{rng.randrange(SENDERS):07d}")
        started, t0 = time.perf_counter(), time.perf_counter_ns()
        try:
            if writer is None or reader is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            status, _ = await read_response(reader)
            outcome = "ok" if status == 200 else f"http_{status}"
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            outcome = f"exc_{type(exc).__name__}"
            if writer is not None:
                writer.close()
            reader = writer = None
        t1 = time.perf_counter_ns()
        tally.accepted_total += outcome == "ok"
        if started < measure_from or time.perf_counter() > stop_at:
            continue  # warm-up, or finished after the window closed: not measured
        if outcome == "ok":
            tally.ok += 1
            tally.latencies_ns.append(t1 - t0)
        else:
            tally.errors[outcome] += 1
    if writer is not None:
        writer.close()


async def _drive(port: int, path: str, clients: int, warmup: float, duration: float) -> Tally:
    tally = Tally()
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + duration
    await asyncio.gather(*(
        _client(port, path, measure_from, stop_at, tally, random.Random(i)) for i in range(clients)
    ))
    return tally


def _stored(database: Database, tenant_id: uuid.UUID) -> dict[str, int]:
    with tenant_transaction(database, tenant_id) as session:
        counts = session.execute(text(
            "select (select count(*) from messages where direction = 'inbound'), "
            "(select count(*) from inbound_deliveries where provider = 'twilio'), "
            "(select count(*) from procrastinate_jobs where task_name = 'assistant.reply' "
            "and args ->> 'tenant_id' = cast(:t as text))"
        ), {"t": str(tenant_id)}).one()
    return {"messages": int(counts[0]), "deliveries": int(counts[1]), "assistant_jobs": int(counts[2])}


def run(args: argparse.Namespace) -> dict[str, Any]:
    quick = bool(args.quick)
    clients = args.clients or (8 if quick else 32)
    duration = args.duration or (3.0 if quick else 15.0)
    warmup = 1.0 if quick else 2.0
    temp_dir = Path(tempfile.mkdtemp(prefix="engium-bench-webhooks-")).resolve()
    database = Database.open(app_url=None, owner_url=None, data_dir=temp_dir, pool_size=2)
    try:
        database.migrate()
        tenant_id, api_key = _provision(database, temp_dir)
        server = start_server(database, temp_dir, args.workers, None)
        try:
            public_id = _configure(server.port, api_key)
            path = f"/webhooks/twilio/{public_id}/sms"
            server_pids = [server.process.pid, *descendants(server.process.pid)]
            client_before = time.process_time()
            server_before, pg_before = cpu_by_pid(server_pids), cpu_by_pid(postgres_pids(temp_dir))
            tally = asyncio.run(_drive(server.port, path, clients, warmup, duration))
            cpu_s = {
                "client": time.process_time() - client_before,
                "server": cpu_delta(server_before, cpu_by_pid(server_pids)),
                "postgres": cpu_delta(pg_before, cpu_by_pid(postgres_pids(temp_dir))),
            }
            process_tree = len(server_pids)
        finally:
            server.stop()
        stored = _stored(database, tenant_id)
    finally:
        database.close()
        shutil.rmtree(temp_dir, ignore_errors=True)
    values = sorted(v / 1e6 for v in tally.latencies_ns)
    result = {
        "what": "signed Twilio SMS webhooks → verified, deduplicated, stored messages (real uvicorn + PostgreSQL)",
        "uvicorn_workers": args.workers, "uvicorn_process_tree": process_tree,
        "clients": clients, "duration_s": duration, "warmup_s": warmup, "distinct_senders": SENDERS,
        "webhooks_per_s": round(tally.ok / duration, 1),
        "p50_ms": round(percentile(values, 50), 3) if values else None,
        "p99_ms": round(percentile(values, 99), 3) if values else None,
        "max_ms": round(values[-1], 3) if values else None,
        "measured_ok": tally.ok, "errors": sum(tally.errors.values()), "errors_by_kind": dict(tally.errors),
        "accepted_total_incl_warmup": tally.accepted_total, "stored": stored,
        "stored_equals_accepted": stored["messages"] == stored["deliveries"] == tally.accepted_total,
        # CPU per accepted webhook (warm-up included on both sides): where a webhook's cost goes on a
        # machine whose cores the client, the server and PostgreSQL share.
        "cpu_ms_per_webhook": {
            name: round(1000 * seconds / max(tally.accepted_total, 1), 3) for name, seconds in cpu_s.items()
        },
    }
    log.info("e2e: %s", result)
    return result
