"""Audit fixtures: appending as engium_app, sealing, verifying as the owner, and a superuser engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir, seal_with_settings
from engium.audit.signing import Checkpoint, verifier_keys
from engium.audit.verify import TenantReport, verify_database
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction

APPEND = text(
    "select seq from audit_append(:t, 'user', 'u-1', cast(:ip as inet), 'pytest', 'req-1', :action, "
    "'booking', 'b-1', 'success', cast(:details as jsonb))"
)


def append(
    runtime: Runtime, tenant_id: UUID, action: str = "booking.created", details: dict[str, Any] | None = None,
    ip: str | None = "203.0.113.7",
) -> int:
    """One event in its own transaction, as engium_app bound to the tenant."""
    with tenant_transaction(runtime.database, tenant_id) as session:
        seq: int = session.execute(
            APPEND, {"t": tenant_id, "ip": ip, "action": action, "details": json.dumps(details or {})}
        ).scalar_one()
    return seq


def seal(runtime: Runtime) -> list[Checkpoint]:
    return seal_with_settings(runtime.database, runtime.settings)


def verify(runtime: Runtime, owner_engine: Engine, tenant_id: UUID) -> TenantReport:
    keys = verifier_keys(runtime.settings)
    anchors = DirectoryAnchorStore(anchor_dir(runtime.settings))
    report = verify_database(owner_engine, keys, anchors, tenant_id)
    assert len(report.tenants) == 1
    return report.tenants[0]


def engium_cli(data_dir: Path | None, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, as an operator runs it (``None``: a command that needs no data dir)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENGIUM_")}
    location = ["--data-dir", str(data_dir)] if data_dir is not None else []
    return subprocess.run(
        [sys.executable, "-m", "engium.cli", *args, *location],
        capture_output=True, text=True, env=env, timeout=120,
    )


@pytest.fixture(scope="session")
def owner_engine(database: Database) -> Iterator[Engine]:
    engine = create_engine(database.urls.owner, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def superuser_engine(database: Database) -> Iterator[Engine]:
    assert database.embedded is not None
    engine = create_engine(database.embedded.superuser_url, poolclass=NullPool)
    yield engine
    engine.dispose()


def audit_partitions(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text(
            "select inhrelid::regclass::text from pg_inherits where inhparent = 'audit_events'::regclass"
        )).scalars())
