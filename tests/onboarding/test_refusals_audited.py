"""Refusals on the new ways in reach the audit log like every refused request: a forged reset link, a
sign-up while it is off, a suspended business's API key, a non-operator at the Businesses page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.audit.actions import ActorKind
from engium.audit.recorder import PLATFORM_TENANT
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy import lifecycle
from tests.conftest import TenantHandle


def events(database: Database, request_id: str) -> list[Any]:
    engine = database.owner_engine()
    try:
        with engine.connect() as conn:
            return list(conn.execute(text("select tenant_id, action, outcome, resource_id, details from audit_events "
                                          "where request_id = :r order by seq"), {"r": request_id}))
    finally:
        engine.dispose()


def call(client: TestClient, method: str, path: str, **kwargs: Any) -> tuple[int, str]:
    request_id = uuid.uuid4().hex
    headers = {**kwargs.pop("headers", {}), "X-Request-Id": request_id}
    return client.request(method, path, headers=headers, **kwargs).status_code, request_id


FORGED = {"token": "A" * 43, "password": "x" * 20, "password_confirmation": "x" * 20}


@pytest.mark.parametrize(("method", "path", "form", "status", "action"), [
    ("POST", "/password-reset/confirm", FORGED, 400, "request.failed"),
    ("GET", "/password-reset/confirm?token=forged", None, 400, "request.failed"),
    ("POST", "/sign-up", {"business_name": "Shop", "email": "a@example.com", "timezone": "UTC"}, 404,
     "request.denied"),
    ("POST", "/sign-up/verify", {"token": "A" * 43}, 404, "request.denied"),
])
def test_a_refused_onboarding_request_is_recorded_on_the_platform_chain(
    client: TestClient, database: Database, method: str, path: str, form: dict[str, str] | None, status: int,
    action: str,
) -> None:
    answered, request_id = call(client, method, path, data=form) if form else call(client, method, path)
    assert answered == status
    [event] = events(database, request_id)
    assert (event.tenant_id, event.action) == (PLATFORM_TENANT, action)
    assert event.resource_id == path.split("?")[0]
    assert "A" * 43 not in str(event.details)


def test_a_suspended_businesss_refusal_is_recorded(client: TestClient, runtime: Runtime, database: Database,
                                                  tenant: TenantHandle) -> None:
    lifecycle.suspend(runtime.database, tenant.id, reason="Abuse report 42", actor=(ActorKind.OPERATOR, "test"))
    status, request_id = call(client, "POST", "/api/v1/contacts", headers=tenant.headers,
                              json={"phone": "+447700900123"})
    assert status == 403
    [event] = events(database, request_id)
    assert (event.action, event.outcome, event.details["status"]) == ("request.denied", "denied", 403)
