"""Sealing signs chain heads, records them, anchors them outside the DB; the key file is guarded."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from engium.app import create_app
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.signing import (
    Checkpoint,
    load_or_create_signing_key,
    load_signing_key,
    signing_key_path,
    verifier_keys,
)
from engium.cli.job_worker import attach_job_worker
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.audit.conftest import append
from tests.conftest import TenantHandle
from tests.job_queue import BackgroundWorker, runtime_with


def _db_checkpoints(engine: Engine, tenant: TenantHandle) -> list[Checkpoint]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("select tenant_id, seq, head_hash, sealed_at, key_id, signature from audit_checkpoints "
                 "where tenant_id = :t order by seq"),
            {"t": tenant.id},
        ).all()
    return [Checkpoint(r[0], r[1], bytes(r[2]), r[3], r[4], bytes(r[5])) for r in rows]


def _sealed(engine: Engine, tenant: TenantHandle, seq: int, within: float = 15.0) -> None:
    deadline = time.monotonic() + within
    while not any(c.seq == seq for c in _db_checkpoints(engine, tenant)):
        assert time.monotonic() < deadline, "the sealer never sealed"
        time.sleep(0.05)


def test_the_periodic_seal_records_and_anchors_signed_checkpoints(
    runtime: Runtime, tenant: TenantHandle, owner_engine: Engine
) -> None:
    last = append(runtime, tenant.id)
    with BackgroundWorker(runtime_with(runtime, audit_seal_interval_seconds=1.0), periodic=True):
        _sealed(owner_engine, tenant, last)
    stored = _db_checkpoints(owner_engine, tenant)
    anchored = [a for a in DirectoryAnchorStore(anchor_dir(runtime.settings)).read(tenant.id)]
    assert all(isinstance(a, Checkpoint) for a in anchored)
    assert [a.to_json() for a in anchored if isinstance(a, Checkpoint)] == [c.to_json() for c in stored]
    keys = verifier_keys(runtime.settings)
    assert all(keys.problem(c) is None for c in stored)
    with tenant_transaction(runtime.database, tenant.id) as session:
        head = session.execute(text("select hash from audit_events where seq = :s"), {"s": last}).scalar_one()
    assert stored[-1].head_hash == bytes(head)
    line = (anchor_dir(runtime.settings) / f"{tenant.id}.jsonl").read_text().splitlines()[-1]
    assert json.loads(line)["signature"] == stored[-1].signature.hex()


def test_serve_seals_once_more_when_it_stops(runtime: Runtime, tenant: TenantHandle, owner_engine: Engine) -> None:
    """The worker inside `engium serve` stops with the app, and the last events are sealed on the way out."""
    app = create_app(runtime)
    attach_job_worker(app, runtime_with(runtime, audit_seal_interval_seconds=3600.0))
    with TestClient(app):
        later = append(runtime, tenant.id)
    assert [c.seq for c in _db_checkpoints(owner_engine, tenant)][-1] == later


def test_signing_key_is_private_and_stable(runtime: Runtime) -> None:
    path = signing_key_path(runtime.settings)
    key = load_or_create_signing_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_signing_key(path).key_id == key.key_id
    assert len(key.key_id) == 16
    assert "PRIVATE" not in repr(key)


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "audit-signing-key.pem"
    load_or_create_signing_key(path)
    path.chmod(0o644)
    with pytest.raises(PermissionError, match="chmod 600"):
        load_signing_key(path)
    with pytest.raises(PermissionError):
        load_or_create_signing_key(path)
