"""Test fixtures: one real embedded PostgreSQL per test process, migrated once, app as engium_app."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from engium import provisioning
from engium.access.permissions import Role
from engium.app import create_app
from engium.config import Settings
from engium.identity import api_keys
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.deselection import fail_where_missing

OWNER_PASSWORD = "correct horse battery staple"
CLIENT_IP = "203.0.113.7"


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """A directory for an embedded PostgreSQL, outside pytest's ``/tmp/pytest-of-<user>``: every pytest
    start resets that to 0700, which would cut off the server's OS user (``pgserver`` under root)
    from a cluster that another test run is using."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def data_dir() -> Iterator[Path]:
    with scratch_dir("engium-test-data-") as path:
        yield path


@pytest.fixture(scope="session")
def database(data_dir: Path) -> Iterator[Database]:
    """The embedded PostgreSQL, or the server ENGIUM_TEST_DATABASE_URL names (with
    ENGIUM_TEST_OWNER_DATABASE_URL, and ENGIUM_TEST_DATABASE_POOLER / _LISTEN_URL behind PgBouncer):
    the suite, or a part of it, runs against an operator's own server that way."""
    db = Database.open(
        app_url=os.environ.get("ENGIUM_TEST_DATABASE_URL"),
        owner_url=os.environ.get("ENGIUM_TEST_OWNER_DATABASE_URL"),
        data_dir=data_dir,
        pool_size=30,
        pooler="transaction" if os.environ.get("ENGIUM_TEST_DATABASE_POOLER") == "transaction" else "none",
        listen_url=os.environ.get("ENGIUM_TEST_DATABASE_LISTEN_URL"),
    )
    db.migrate()
    yield db
    db.close()


@pytest.fixture(scope="module")
def owner_conn(database: Database) -> Iterator[Connection]:
    """The schema owner's connection, for tests that read the catalog (it sees every table's definition;
    row-level security still binds it to rows)."""
    engine = database.owner_engine()
    with engine.connect() as conn:
        yield conn
    engine.dispose()


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, secure_cookies=False)


@pytest.fixture(scope="session")
def runtime(settings: Settings, database: Database) -> Runtime:
    return Runtime(settings=settings, database=database)


@pytest.fixture(autouse=True)
def _isolated_job_queue(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts and ends with no waiting job in the session's database, so a test that runs
    the job runtime runs only its own jobs (tests/job_queue.py)."""
    if "runtime" not in request.fixturenames:
        yield
        return
    from tests.job_queue import empty_queue

    runtime: Runtime = request.getfixturevalue("runtime")
    empty_queue(runtime)
    yield
    empty_queue(runtime)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    # A fresh limiter per test: login throttling is tested explicitly, not by accident.
    from engium.kit.throttle import SlidingWindowLimiter

    runtime.login_limiter = SlidingWindowLimiter(30, 60.0)
    # A documentation address (RFC 5737), so tests can assert the audit log records the client IP.
    with TestClient(create_app(runtime), client=(CLIENT_IP, 50123)) as test_client:
        yield test_client


@dataclass(frozen=True)
class TenantHandle:
    id: uuid.UUID
    name: str
    owner_email: str
    owner_user_id: uuid.UUID
    owner_key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.owner_key}"}


def make_tenant(runtime: Runtime, name: str | None = None, timezone: str = "UTC") -> TenantHandle:
    name = name or f"Business {uuid.uuid4().hex[:8]}"
    email = f"owner-{uuid.uuid4().hex[:10]}@example.com"
    with runtime.database.transaction() as session:
        provisioned = provisioning.provision_tenant(
            session,
            runtime.passwords,
            name=name,
            owner_email=email,
            owner_password=OWNER_PASSWORD,
            timezone=timezone,
        )
        _, key = api_keys.create_api_key(
            session, None, tenant_id=provisioned.tenant_id, name="test owner key", role=Role.OWNER
        )
    assert provisioned.owner_user_id is not None
    return TenantHandle(provisioned.tenant_id, name, email, provisioned.owner_user_id, key)


def make_api_key(runtime: Runtime, tenant: TenantHandle, role: Role) -> str:
    from engium.tenancy.binding import bind_tenant

    with runtime.database.transaction() as session:
        bind_tenant(session, tenant.id)
        _, key = api_keys.create_api_key(session, None, tenant_id=tenant.id, name=f"{role} key", role=role)
    return key


def audit_events(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    """The tenant's audit log as engium_app sees it (RLS), oldest first."""
    with tenant_transaction(runtime.database, tenant.id) as s:
        rows = s.execute(
            text(
                "select action, actor_kind, actor_id, host(ip), resource_type, resource_id, outcome, details "
                "from audit_events order by seq"
            )
        ).all()
    keys = ("action", "actor_kind", "actor_id", "ip", "resource_type", "resource_id", "outcome", "details")
    return [dict(zip(keys, row, strict=True)) for row in rows]


def revealed_audit_events(runtime: Runtime, tenant: TenantHandle) -> list[dict[str, Any]]:
    """:func:`audit_events` with each event's sealed personal values opened (audit/personal.py) and merged
    into its details, as a reader with the keys sees them; erased values are simply absent."""
    from engium.audit.personal import PERSONAL_FIELD, reveal

    events = audit_events(runtime, tenant)
    with tenant_transaction(runtime.database, tenant.id) as session:
        for event in events:
            details = event["details"]
            opened = reveal(session, tenant.id, details).values
            event["details"] = {**{k: v for k, v in details.items() if k != PERSONAL_FIELD}, **opened}
    return events


def acting_key_id(client: TestClient, tenant: TenantHandle) -> str:
    me = client.get("/api/v1/me", headers=tenant.headers)
    assert me.status_code == 200, me.text
    return str(me.json()["principal_id"])


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def tenant(runtime: Runtime) -> TenantHandle:
    return make_tenant(runtime)


@pytest.fixture
def other_tenant(runtime: Runtime) -> TenantHandle:
    return make_tenant(runtime)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture starts a program: a test kept only because CI requires its system package fails here,
    # naming the package (tests/deselection.py).
    fail_where_missing(item)
