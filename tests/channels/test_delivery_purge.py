"""The replay-table purge: every tenant's rows older than the retention go, younger rows never do, and
nothing (settings, the SQL function, engium_auth's policies) lets the retention drop below 7 days."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engium.channels.models import InboundDelivery
from engium.channels.sender import ChannelSender
from engium.channels.settings import ChannelSettings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant

AGES_DAYS = (1, 6.9, 7.1, 8, 30)


def seed(runtime: Runtime, tenant: TenantHandle) -> dict[str, float]:
    """One replay row per age; event id → age in days."""
    now = datetime.now(UTC)
    ids = {f"SM{uuid.uuid4().hex}": age for age in AGES_DAYS}
    with tenant_transaction(runtime.database, tenant.id) as session:
        for event_id, age in ids.items():
            session.add(InboundDelivery(tenant_id=tenant.id, provider="twilio", provider_event_id=event_id,
                                        received_at=now - timedelta(days=age)))
    return ids


def remaining(runtime: Runtime, tenant: TenantHandle) -> set[str]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        return set(session.execute(text("select provider_event_id from inbound_deliveries")).scalars())


def purger(runtime: Runtime, days: float = 7) -> ChannelSender:
    return ChannelSender(runtime.database, runtime.vault, ChannelSettings(delivery_retention_days=days))


def test_the_purge_deletes_only_rows_older_than_7_days_in_every_tenant(runtime: Runtime) -> None:
    tenants = [make_tenant(runtime), make_tenant(runtime)]
    seeded = [seed(runtime, t) for t in tenants]
    assert purger(runtime).purge_once() >= 2 * 3
    for tenant, ids in zip(tenants, seeded, strict=True):
        assert remaining(runtime, tenant) == {event_id for event_id, age in ids.items() if age < 7}


def test_a_longer_retention_keeps_more(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    ids = seed(runtime, tenant)
    purger(runtime, days=10).purge_once()
    assert remaining(runtime, tenant) == {event_id for event_id, age in ids.items() if age < 10}


def test_a_retention_below_7_days_is_rejected(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValidationError):
        ChannelSettings(delivery_retention_days=6)
    monkeypatch.setenv("ENGIUM_CHANNELS_DELIVERY_RETENTION_DAYS", "1")
    with pytest.raises(ValidationError):
        ChannelSettings()


def test_the_database_refuses_a_short_retention_and_hides_young_rows(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    ids = seed(runtime, tenant)
    with pytest.raises(DBAPIError, match="at least 7 days"), runtime.database.transaction() as session:
        session.execute(text("select purge_inbound_deliveries(interval '1 day', 100)"))
    assert remaining(runtime, tenant) == set(ids)
    # The app role itself cannot delete across tenants: unbound, RLS shows it no rows at all.
    with runtime.database.transaction() as session:
        deleted = session.execute(text("delete from inbound_deliveries")).rowcount  # type: ignore[attr-defined]
    assert deleted == 0
    assert remaining(runtime, tenant) == set(ids)


def test_engium_auth_policies_cover_only_rows_past_the_floor(runtime: Runtime) -> None:
    """Even the definer role's own view of the table stops at 7 days: checked in the catalog."""
    engine = runtime.database.owner_engine()
    try:
        with engine.connect() as conn:
            policies: dict[str, str] = dict(conn.execute(text(
                "select polname, pg_get_expr(polqual, polrelid) from pg_policy "
                "where polrelid = 'inbound_deliveries'::regclass and polname like 'delivery_retention%'"
            )).all())
    finally:
        engine.dispose()
    assert set(policies) == {"delivery_retention_select", "delivery_retention_delete"}
    assert all("7 days" in expr for expr in policies.values())
