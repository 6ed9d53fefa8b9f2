"""Added latency of the audit log per API mutation: the same mutations with the audit writes on and off.

Two in-process apps share one embedded PostgreSQL. In the "off" app the recorder's before-commit hook
drops the transaction's pending events and the middleware's coverage hook is removed (a benchmark-only
switch: the product has no way to turn auditing off). Requests alternate between the two apps so noise hits both
alike. We report end-to-end p50/p99 for each, their difference, and the directly timed cost of the
in-transaction appends at commit per request (the latency the audit log adds to a mutation).

    .venv/bin/python bench/audit_overhead.py [--quick] [--iterations N]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

import engium.audit.recorder as recorder
from benchlib import emit, setup_logging, summarize_ms
from engium import provisioning
from engium.access.permissions import Role
from engium.app import create_app
from engium.config import Settings
from engium.identity import api_keys
from engium.kit.database import Database
from engium.runtime import Runtime

TARGET_P99_MS = 2.0
_mode = {"audit": True, "spent_ns": 0}


def _timed_append(session: Session) -> None:
    """Replaces the recorder's before-commit hook: times the appends, or drops them when auditing is off."""
    if not _mode["audit"]:
        session.info.pop("engium_audit_pending", None)
        return
    started = time.perf_counter_ns()
    try:
        recorder._append_pending_events(session)
    finally:
        _mode["spent_ns"] += time.perf_counter_ns() - started


def _patch_audit_appends() -> None:
    event.remove(Session, "before_commit", recorder._append_pending_events)
    event.listen(Session, "before_commit", _timed_append)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    setup_logging()
    iterations = 200 if args.quick else args.iterations

    data_dir = Path(tempfile.mkdtemp(prefix="engium-bench-audit-"))
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir)
    database.migrate()
    runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
    with database.transaction() as session:
        tenant = provisioning.provision_tenant(
            session, runtime.passwords, name="Bench", owner_email="bench@example.com", owner_password=None
        )
        _, key = api_keys.create_api_key(session, None, tenant_id=tenant.tenant_id, name="bench", role=Role.OWNER)
    headers = {"Authorization": f"Bearer {key}"}
    _patch_audit_appends()

    audited_app = create_app(runtime)
    unaudited_app = create_app(runtime)
    unaudited_app.state.before_commit = None
    samples: dict[str, list[int]] = {"audit_on": [], "audit_off": [], "audit_appends": []}

    phones = itertools.count(1)

    def mutate(client: TestClient) -> None:
        # A counter, not random numbers: a repeated phone would be a (correct) 409, not a mutation.
        body = {"name": "Bench contact", "phone": f"+1555{next(phones):07d}"}
        response = client.post("/api/v1/contacts", json=body, headers=headers)
        assert response.status_code == 201, response.text

    with TestClient(audited_app) as on, TestClient(unaudited_app) as off:
        for _ in range(50):  # warm-up: connections, caches, JIT-less but import-heavy paths
            mutate(on)
            mutate(off)
        runs: list[tuple[str, TestClient]] = [("audit_on", on), ("audit_off", off)]
        for i in range(iterations):
            for name, client in runs if i % 2 == 0 else runs[::-1]:
                _mode["audit"] = name == "audit_on"
                _mode["spent_ns"] = 0
                started = time.perf_counter_ns()
                mutate(client)
                samples[name].append(time.perf_counter_ns() - started)
                if name == "audit_on":
                    samples["audit_appends"].append(int(_mode["spent_ns"]))

    on_s, off_s, calls = (summarize_ms(samples[k]) for k in ("audit_on", "audit_off", "audit_appends"))
    added_p99 = round(float(on_s["p99_ms"]) - float(off_s["p99_ms"]), 4)
    emit(
        {
            "benchmark": "audit_overhead",
            "mutation": "POST /api/v1/contacts (in-process, TestClient)",
            "iterations": iterations,
            "end_to_end": {"audit_on": on_s, "audit_off": off_s},
            "added_p50_ms": round(float(on_s["p50_ms"]) - float(off_s["p50_ms"]), 4),
            "added_p99_ms": added_p99,
            "in_transaction_audit_appends": calls,
            "headline": {
                "added_latency_p99_ms": calls["p99_ms"],
                "target_p99_ms": TARGET_P99_MS,
                "meets_target": float(calls["p99_ms"]) <= TARGET_P99_MS,
            },
        }
    )
    database.close()


if __name__ == "__main__":
    main()
