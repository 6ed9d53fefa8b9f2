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
