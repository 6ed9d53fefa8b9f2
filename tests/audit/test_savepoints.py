"""Audit events belong to the savepoint that recorded them: a rolled-back savepoint takes back only its own.

Services open savepoints (``session.begin_nested()``) to try something that may fail, such as a booking
that may lose a race, and carry on in the outer transaction when it does. An event recorded before such a
savepoint, or after it, describes a change that commits; only the events recorded inside a savepoint
that rolls back describe changes that never happened. Events are still appended at the outer commit.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from engium.audit.actions import AuditAction
from engium.audit.recorder import record
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events

PROBE = "savepoint-probe"


class Refused(Exception):
    """What a service raises inside a savepoint when the attempt fails."""


def probe(session: Session, tenant: TenantHandle, name: str) -> None:
    record(session, None, AuditAction.CONTACT_VIEWED, resource_type=PROBE, resource_id=name, tenant_id=tenant.id)


def failing_attempt(session: Session, tenant: TenantHandle, *names: str, released: tuple[str, ...] = ()) -> None:
    """Records ``names`` in a savepoint (``released`` in a savepoint released inside it), then fails."""
    with session.begin_nested():
        for name in names:
            probe(session, tenant, name)
        if released:
            with session.begin_nested():
                for name in released:
                    probe(session, tenant, name)
        raise Refused


def rolled_back_savepoint(session: Session, tenant: TenantHandle, *names: str, released: tuple[str, ...] = ()) -> None:
    with pytest.raises(Refused):
        failing_attempt(session, tenant, *names, released=released)


def probes(runtime: Runtime, tenant: TenantHandle) -> list[str]:
    return [e["resource_id"] for e in audit_events(runtime, tenant) if e["resource_type"] == PROBE]


def test_a_rolled_back_savepoint_drops_only_the_events_recorded_inside_it(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "before")
        rolled_back_savepoint(session, tenant, "inside")
        probe(session, tenant, "after")
    assert probes(runtime, tenant) == ["before", "after"]


def test_a_released_savepoint_hands_its_events_to_the_transaction_in_order(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "before")
        with session.begin_nested():
            probe(session, tenant, "inside")
        probe(session, tenant, "after")
    assert probes(runtime, tenant) == ["before", "inside", "after"]


def test_rolling_back_a_savepoint_drops_the_events_of_savepoints_released_inside_it(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "before")
        rolled_back_savepoint(session, tenant, "outer savepoint", released=("released inner savepoint",))
        probe(session, tenant, "after")
    assert probes(runtime, tenant) == ["before", "after"]


def test_an_inner_rollback_leaves_the_enclosing_savepoints_events(runtime: Runtime, tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        with session.begin_nested():
            probe(session, tenant, "outer savepoint")
            rolled_back_savepoint(session, tenant, "inner savepoint")
            probe(session, tenant, "outer savepoint, later")
        rolled_back_savepoint(session, tenant, "second savepoint")
    assert probes(runtime, tenant) == ["outer savepoint", "outer savepoint, later"]


def statement_fails_in_savepoint(session: Session, tenant: TenantHandle) -> None:
    with session.begin_nested():
        probe(session, tenant, "inside")
        session.execute(text("select 1 / 0"))


def test_a_savepoint_rolled_back_by_the_database_keeps_the_events_before_it(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    """The shape of bookings.service._flushed_or_taken: the statement fails, the savepoint rolls back."""
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "before")
        with pytest.raises(DBAPIError, match="division by zero"):
            statement_fails_in_savepoint(session, tenant)
        probe(session, tenant, "after")
    assert probes(runtime, tenant) == ["before", "after"]


def failing_transaction(runtime: Runtime, tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "before")
        with session.begin_nested():
            probe(session, tenant, "released savepoint")
        raise Refused


def test_rolling_back_the_transaction_drops_every_event(runtime: Runtime, tenant: TenantHandle) -> None:
    with pytest.raises(Refused):
        failing_transaction(runtime, tenant)
    assert probes(runtime, tenant) == []
    # Nothing is left behind for the session's next transaction either.
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "next transaction")
    assert probes(runtime, tenant) == ["next transaction"]


def test_events_are_appended_at_the_commit_not_at_a_savepoint_release(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    """Appending takes the tenant's chain lock until commit: a savepoint's release must not take it early."""
    count = text("select count(*) from audit_events where resource_type = :probe")
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "before")
        with session.begin_nested():
            probe(session, tenant, "inside")
        assert session.execute(count, {"probe": PROBE}).scalar_one() == 0
    assert probes(runtime, tenant) == ["before", "inside"]


def test_a_savepoint_left_open_at_commit_is_committed_with_its_events(runtime: Runtime, tenant: TenantHandle) -> None:
    """Committing the transaction releases a savepoint nobody closed; its events must not fall between."""
    with tenant_transaction(runtime.database, tenant.id) as session:
        probe(session, tenant, "before")
        session.begin_nested()
        probe(session, tenant, "inside, never closed")
    assert probes(runtime, tenant) == ["before", "inside, never closed"]
