"""Tenant settings: the business profile, hours, FAQs, persona and policies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import TenantHandle


def test_a_new_tenant_has_defaults_named_after_the_business(client: TestClient, tenant: TenantHandle) -> None:
    settings = client.get("/api/v1/settings", headers=tenant.headers).json()
    assert settings["business_name"] == tenant.name
    assert settings["timezone"] == "UTC"
    assert settings["faqs"] == []
    assert settings["mfa_required"] is False


def test_the_profile_hours_and_faqs_can_be_updated(client: TestClient, tenant: TenantHandle) -> None:
    change = {
        "timezone": "Europe/Berlin",
        "opening_hours": {"mon": "09:00-17:00"},
        "faqs": [{"question": "Parking?", "answer": "Behind the shop."}],
        "website": "https://example.com",
    }
    response = client.patch("/api/v1/settings", json=change, headers=tenant.headers)
    assert response.status_code == 200
    stored = client.get("/api/v1/settings", headers=tenant.headers).json()
    assert {k: stored[k] for k in change} == change


def test_null_keeps_required_values_and_clears_optional_ones(client: TestClient, tenant: TenantHandle) -> None:
    client.patch("/api/v1/settings", json={"phone": "+4420"}, headers=tenant.headers)
    response = client.patch("/api/v1/settings", json={"business_name": None, "phone": None}, headers=tenant.headers)
    assert response.json()["business_name"] == tenant.name
    assert response.json()["phone"] is None


def test_invalid_settings_are_rejected_with_a_useful_message(client: TestClient, tenant: TenantHandle) -> None:
    bad_zone = client.patch("/api/v1/settings", json={"timezone": "Mars/Olympus"}, headers=tenant.headers)
    assert bad_zone.status_code == 422
    assert "Unknown time zone" in bad_zone.text
    unknown_field = client.patch("/api/v1/settings", json={"tenant_id": str(tenant.id)}, headers=tenant.headers)
    assert unknown_field.status_code == 422
    faqs = {"faqs": [{"question": "", "answer": "x"}]}
    empty_faq = client.patch("/api/v1/settings", json=faqs, headers=tenant.headers)
    assert empty_faq.status_code == 422


def test_the_tenant_endpoint_describes_only_the_callers_business(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    assert client.get("/api/v1/tenant", headers=tenant.headers).json()["id"] == str(tenant.id)
    assert client.get("/api/v1/tenant", headers=other_tenant.headers).json()["id"] == str(other_tenant.id)


def test_the_guard_threshold_and_link_allow_list_are_tenant_settings(
    client: TestClient, tenant: TenantHandle
) -> None:
    assert client.get("/api/v1/settings", headers=tenant.headers).json()["link_allow_list"] == []
    change = {"guard_threshold": 0.35, "link_allow_list": ["Book.Example.com", "example.org."]}
    response = client.patch("/api/v1/settings", json=change, headers=tenant.headers)
    assert response.status_code == 200
    assert response.json()["guard_threshold"] == 0.35
    assert response.json()["link_allow_list"] == ["book.example.com", "example.org"]
    # Null keeps the list but clears the threshold back to the platform default.
    cleared = client.patch(
        "/api/v1/settings", json={"guard_threshold": None, "link_allow_list": None}, headers=tenant.headers
    ).json()
    assert cleared["guard_threshold"] is None
    assert cleared["link_allow_list"] == ["book.example.com", "example.org"]


def test_guard_settings_refuse_nonsense(client: TestClient, tenant: TenantHandle) -> None:
    for bad in ({"guard_threshold": 0}, {"guard_threshold": 1.5}, {"link_allow_list": ["https://evil.example/x"]}):
        response = client.patch("/api/v1/settings", json=bad, headers=tenant.headers)
        assert response.status_code == 422, bad
    refused = client.patch(
        "/api/v1/settings", json={"link_allow_list": ["https://evil.example/x"]}, headers=tenant.headers
    )
    assert "is not a host name" in str(refused.json()["error"])
