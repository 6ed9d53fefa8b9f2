"""Operator announcements show as upcoming on every register; owners object, once, audited."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from engium.access.permissions import Role
from engium.cli.main import app as root
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.trust import announcements
from engium.trust.register import announcements as announced
from engium.trust.settings import OperatorSubprocessor
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key
from tests.trust.seeding import public_id

NEW = OperatorSubprocessor(name=f"Backups GmbH {uuid4().hex[:6]}", purpose="Off-site encrypted backups",
                           location="Germany", data_categories=("communications", "identity"))


def _announce(runtime: Runtime, days: int = 45) -> UUID:
    with runtime.database.transaction() as session:
        row = announcements.announce(session, NEW, datetime.now(UTC).date() + timedelta(days=days), notice_days=30,
                                     operator="ops@host")
        return row.id


def test_an_effective_date_inside_the_notice_period_is_refused(runtime: Runtime) -> None:
    with runtime.database.transaction() as session, pytest.raises(announcements.TooSoon, match="30 days"):
        announcements.announce(session, NEW, date.today() + timedelta(days=29), notice_days=30, operator="ops")


def test_the_cli_refuses_unknown_categories_and_bad_dates_before_touching_anything() -> None:
    for categories, effective in (("gossip", "2099-01-01"), ("identity", "next week")):
        result = CliRunner().invoke(root, ["subprocessors", "announce", "--name", "X", "--purpose", "Y",
                                           "--location", "Z", "--categories", categories, "--effective", effective])
        assert result.exit_code == 2
        assert "invalid announcement" in result.output


def test_an_announcement_is_upcoming_on_every_register_and_feed(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    announcement = _announce(runtime)
    for handle in (tenant, other_tenant):
        data = client.get(f"/trust/{public_id(runtime, handle)}/subprocessors.json").json()
        upcoming = [e for e in data["upcoming"] if e["announcement_id"] == str(announcement)]
        assert upcoming
        assert upcoming[0]["name"] == NEW.name
        assert NEW.name not in [e["name"] for e in data["current"]]
        feed = client.get(f"/trust/{public_id(runtime, handle)}/subprocessors.atom").text
        assert f"Announced: {NEW.name}" in feed
    page = client.get(f"/trust/{public_id(runtime, tenant)}/subprocessors").text
    assert f'data-upcoming="{NEW.name}"' in page


def test_an_owner_objects_once_and_the_operator_sees_it(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    announcement = _announce(runtime)
    url = f"/api/v1/trust/announcements/{announcement}/objection"
    response = client.post(url, json={"reason": "Our customers' data must stay in France"}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    assert client.post(url, json={}, headers=tenant.headers).status_code == 409
    listed = client.get("/api/v1/trust/objections", headers=tenant.headers).json()["items"]
    assert [o["announcement_id"] for o in listed] == [str(announcement)]
    assert [e["action"] for e in audit_events(runtime, tenant)].count("subprocessor.objected") == 1
    with tenant_transaction(runtime.database, tenant.id) as session:
        by_id = {a.id: a for a in announced(session)}
        views = announcements.describe(announcements.objections_of_tenant(session), by_id)
    assert [(v.tenant_id, v.announcement) for v in views] == [(tenant.id, NEW.name)]


def test_objections_need_the_owner_and_an_announcement_that_exists(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    announcement = _announce(runtime)
    url = f"/api/v1/trust/announcements/{announcement}/objection"
    assert client.post(url, json={}).status_code == 401
    assert client.post(url, json={}, headers=bearer(make_api_key(runtime, tenant, Role.ADMIN))).status_code == 403
    assert client.post(url, json={}, headers=bearer(make_api_key(runtime, tenant, Role.AUDITOR))).status_code == 403
    assert client.post(url, json={"reason": 5}, headers=tenant.headers).status_code == 422
    assert client.post(url, json={"extra": "x"}, headers=tenant.headers).status_code == 422
    unknown = f"/api/v1/trust/announcements/{uuid4()}/objection"
    assert client.post(unknown, json={}, headers=tenant.headers).status_code == 404
    assert client.post(url, json={}, headers=other_tenant.headers).status_code == 201
    # One business's objection is not another's.
    assert client.get("/api/v1/trust/objections", headers=tenant.headers).json()["items"] == []


def test_an_announcement_in_effect_is_current_and_closed_to_objections(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    with runtime.database.transaction() as session:
        row = announcements.announce(session, NEW, date(2020, 1, 31), notice_days=30, operator="ops",
                                     today=date(2020, 1, 1))
    data = client.get(f"/trust/{public_id(runtime, tenant)}/subprocessors.json").json()
    current = [e for e in data["current"] if e["announcement_id"] == str(row.id)]
    assert current
    assert current[0]["since"] == "2020-01-31"
    response = client.post(f"/api/v1/trust/announcements/{row.id}/objection", json={}, headers=tenant.headers)
    assert response.status_code == 422
