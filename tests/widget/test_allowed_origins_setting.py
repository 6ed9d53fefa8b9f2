"""``widget_allowed_origins``: a tenant setting, edited through GET/PATCH /api/v1/settings, stored the way
browsers write the ``Origin`` header so that the comparison can be exact."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events


def patch(client: TestClient, tenant: TenantHandle, origins: object) -> tuple[int, dict[str, object]]:
    response = client.patch("/api/v1/settings", headers=tenant.headers, json={"widget_allowed_origins": origins})
    return response.status_code, response.json()


def test_a_new_business_allows_no_website(client: TestClient, tenant: TenantHandle) -> None:
    assert client.get("/api/v1/settings", headers=tenant.headers).json()["widget_allowed_origins"] == []


def test_origins_are_stored_as_browsers_send_them(client: TestClient, tenant: TenantHandle) -> None:
    status, body = patch(client, tenant, [
        "HTTPS://WWW.Example.com:443/", "http://localhost:8080", "https://www.example.com", " http://[::1]:3000 ",
        "http://127.0.0.1:80",
    ])
    assert status == 200, body
    assert body["widget_allowed_origins"] == [
        "http://127.0.0.1", "http://[::1]:3000", "http://localhost:8080", "https://www.example.com"]
    assert client.get("/api/v1/settings", headers=tenant.headers).json()["widget_allowed_origins"] == body[
        "widget_allowed_origins"]


@pytest.mark.parametrize(("origin", "why"), [
    ("www.example.com", "must start with http:// or https://"),
    ("ftp://example.com", "must start with http:// or https://"),
    ("https://example.com/shop", "no path, query or fragment"),
    ("https://example.com?x=1", "no path, query or fragment"),
    ("https://*.example.com", "no credentials or wildcards"),
    ("https://user@example.com", "no credentials or wildcards"),
    ("null", "must start with http:// or https://"),
    ("https://bücher.example", "xn-- form"),
    ("https://exa mple.com", "not a domain name or an IP address"),
])
def test_anything_a_browser_could_never_send_is_refused_with_the_reason(
    client: TestClient, tenant: TenantHandle, origin: str, why: str
) -> None:
    status, body = patch(client, tenant, [origin])
    assert status == 422
    assert why in str(body)


def test_null_keeps_the_list_and_an_empty_list_clears_it(client: TestClient, tenant: TenantHandle) -> None:
    patch(client, tenant, ["https://www.example.com"])
    assert patch(client, tenant, None)[1]["widget_allowed_origins"] == ["https://www.example.com"]
    assert patch(client, tenant, [])[1]["widget_allowed_origins"] == []
    assert patch(client, tenant, [f"https://site{i}.example.com" for i in range(51)])[0] == 422


def test_a_change_is_audited_and_stays_within_the_tenant(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    patch(client, tenant, ["https://www.example.com"])
    updated = [e for e in audit_events(runtime, tenant) if e["action"] == "setting.updated"]
    assert updated[-1]["details"]["fields"] == ["widget_allowed_origins"]
    assert client.get("/api/v1/settings", headers=other_tenant.headers).json()["widget_allowed_origins"] == []


def test_the_database_refuses_a_malformed_list_written_around_the_api(runtime: Runtime, tenant: TenantHandle) -> None:
    for bad in (["*"], ["https://example.com/"], ["https://Example.com"], [None]):
        with pytest.raises(IntegrityError), tenant_transaction(runtime.database, tenant.id) as session:
            session.execute(text("update tenant_settings set widget_allowed_origins = :o"), {"o": bad})
