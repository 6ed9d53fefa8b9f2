"""The integrations API: write-only secrets, tenant isolation, permissions, audit, no leaks."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key
from tests.integrations.leaks import assert_absent, new_secret

URL = "/api/v1/integrations"


def create(client: TestClient, tenant: TenantHandle, secret: str, **overrides: Any) -> dict[str, Any]:
    body = {"kind": "twilio", "name": f"main-{uuid.uuid4().hex[:6]}", "secret": secret,
            "metadata": {"account_sid": "AC" + "0" * 32, "phone_number": "+15005550006"}}
    body.update(overrides)
    response = client.post(URL, json=body, headers=tenant.headers)
    assert response.status_code == 201, response.status_code
    created: dict[str, Any] = response.json()
    return created


def test_create_list_get_rotate_delete_never_return_the_secret(
    client: TestClient, tenant: TenantHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret, rotated = new_secret(), new_secret()
    created = create(client, tenant, secret)
    assert created["last4"] == secret[-4:]
    assert created["metadata"]["account_sid"].startswith("AC")
    assert created["key_version"] >= 1
    assert "secret" not in created
    responses = [
        client.get(URL, headers=tenant.headers),
        client.get(f"{URL}/{created['id']}", headers=tenant.headers),
        client.post(f"{URL}/{created['id']}/rotate", json={"secret": rotated}, headers=tenant.headers),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200]
    after = responses[2].json()
    assert after["last4"] == rotated[-4:]
    assert after["rotated_at"] is not None
    assert after["previous_valid_until"] is not None
    deleted = client.delete(f"{URL}/{created['id']}", headers=tenant.headers)
    assert deleted.status_code == 204
    assert client.get(f"{URL}/{created['id']}", headers=tenant.headers).status_code == 404
    for response in responses:
        assert_absent(secret, response.text, "an API response")
        assert_absent(rotated, response.text, "an API response")
    assert_absent(secret, caplog.text, "the logs")
    assert_absent(rotated, caplog.text, "the logs")


def test_short_secrets_get_no_hint(client: TestClient, tenant: TenantHandle) -> None:
    assert create(client, tenant, "12345678")["last4"] == ""


def test_a_secret_ending_in_control_characters_is_kept_without_a_hint(client: TestClient, tenant: TenantHandle) -> None:
    # A NUL cannot be stored in the hint's text column: the secret (stored encrypted) is still accepted, on
    # creation and on rotation, and nothing unprintable is shown back as its hint.
    created = create(client, tenant, "secret-value-ending-in-nul\x00")
    assert created["last4"] == ""
    rotated = client.post(f"{URL}/{created['id']}/rotate", json={"secret": "another-value\x00\x01"},
                          headers=tenant.headers)
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["last4"] == ""


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "twilio", "name": "x", "secret": "LEAKME-" + "a" * 5000},
        {"kind": "nope", "name": "x", "secret": "LEAKME-secret-value"},
        {"kind": "twilio", "name": "", "secret": "LEAKME-secret-value"},
        {"kind": "twilio", "name": "x", "secret": "LEAKME-secret-value", "unexpected": "LEAKME-other"},
        {"kind": "twilio", "name": "x", "secret": "LEAKME-secret-value", "metadata": {"token": "LEAKME-secret-value"}},
        {"kind": "twilio", "name": "x", "secret": ["LEAKME-in-a-list"]},
    ],
    ids=["too-long", "bad-kind", "bad-name", "extra-field", "secret-in-metadata", "wrong-type"],
)
def test_validation_errors_never_echo_the_secret(
    client: TestClient, tenant: TenantHandle, body: dict[str, Any]
) -> None:
    response = client.post(URL, json=body, headers=tenant.headers)
    assert response.status_code == 422
    assert_absent("LEAKME", response.text, "a validation error")


def test_a_duplicate_name_conflicts_without_echoing(client: TestClient, tenant: TenantHandle) -> None:
    secret = new_secret()
    create(client, tenant, secret, name="dup")
    again = client.post(URL, json={"kind": "twilio", "name": "dup", "secret": secret}, headers=tenant.headers)
    assert again.status_code == 409
    assert_absent(secret, again.text, "a conflict error")


def test_rotate_with_a_too_long_secret_is_refused_without_echo(client: TestClient, tenant: TenantHandle) -> None:
    created = create(client, tenant, new_secret())
    response = client.post(
        f"{URL}/{created['id']}/rotate", json={"secret": "LEAKME" * 1000, "grace_period_hours": 1},
        headers=tenant.headers,
    )
    assert response.status_code == 422
    assert_absent("LEAKME", response.text, "a validation error")


def test_another_tenant_gets_404(client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle) -> None:
    created = create(client, tenant, new_secret())
    target = f"{URL}/{created['id']}"
    assert client.get(target, headers=other_tenant.headers).status_code == 404
    assert client.delete(target, headers=other_tenant.headers).status_code == 404
    rotate = client.post(f"{target}/rotate", json={"secret": new_secret()}, headers=other_tenant.headers)
    assert rotate.status_code == 404
    listed = client.get(URL, headers=other_tenant.headers).json()
    assert created["id"] not in {c["id"] for c in listed}
    assert client.get(target, headers=tenant.headers).json()["last4"] == created["last4"]


@pytest.mark.parametrize("role", [Role.AGENT, Role.AUDITOR])
def test_agents_and_auditors_get_403(runtime: Runtime, client: TestClient, tenant: TenantHandle, role: Role) -> None:
    created = create(client, tenant, new_secret())
    headers = bearer(make_api_key(runtime, tenant, role))
    assert client.get(URL, headers=headers).status_code == 403
    assert client.get(f"{URL}/{created['id']}", headers=headers).status_code == 403
    body = {"kind": "twilio", "name": "a", "secret": new_secret()}
    assert client.post(URL, json=body, headers=headers).status_code == 403
    assert client.delete(f"{URL}/{created['id']}", headers=headers).status_code == 403


def test_admins_may_manage(runtime: Runtime, client: TestClient, tenant: TenantHandle) -> None:
    headers = bearer(make_api_key(runtime, tenant, Role.ADMIN))
    response = client.post(URL, json={"kind": "widget", "name": "site", "secret": new_secret()}, headers=headers)
    assert response.status_code == 201


def test_changes_are_audited_without_the_secret(runtime: Runtime, client: TestClient, tenant: TenantHandle) -> None:
    secret, rotated = new_secret(), new_secret()
    created = create(client, tenant, secret, kind="model_provider", name="openai")
    client.post(f"{URL}/{created['id']}/rotate", json={"secret": rotated, "grace_period_hours": 2},
                headers=tenant.headers)
    client.delete(f"{URL}/{created['id']}", headers=tenant.headers)
    events = [e for e in audit_events(runtime, tenant) if e["action"].startswith("credential.")]
    assert [e["action"] for e in events] == ["credential.created", "credential.rotated", "credential.deleted"]
    assert all(e["resource_id"] == created["id"] for e in events)
    assert events[0]["details"] == {"kind": "model_provider", "name": "openai"}
    assert events[1]["details"]["grace_period_hours"] == 2
    assert all(e["ip"] == "203.0.113.7" for e in events)
    for event in events:
        assert_absent(secret, str(event), "the audit log")
        assert_absent(rotated, str(event), "the audit log")


def test_a_widget_s_public_key_is_generated_by_the_server(client: TestClient, tenant: TenantHandle) -> None:
    first = create(client, tenant, new_secret(), kind="widget", name="site", metadata={})
    second = create(client, tenant, new_secret(), kind="widget", name="shop", metadata={})
    keys = [first["metadata"]["public_widget_key"], second["metadata"]["public_widget_key"]]
    assert all(key.startswith("wk_") and len(key) == 35 for key in keys)
    assert keys[0] != keys[1]
    # Rotating the secret keeps the key: the page that embeds it needs no change.
    rotated = client.post(f"{URL}/{first['id']}/rotate", json={"secret": new_secret()}, headers=tenant.headers)
    assert rotated.json()["metadata"]["public_widget_key"] == keys[0]


@pytest.mark.parametrize("kind", ["widget", "twilio"])
def test_a_client_cannot_choose_a_public_widget_key(client: TestClient, tenant: TenantHandle, kind: str) -> None:
    body = {"kind": kind, "name": "site", "secret": new_secret(), "metadata": {"public_widget_key": "wk_" + "a" * 32}}
    refused = client.post(URL, json=body, headers=tenant.headers)
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == (
        "public_widget_key is generated by the server: leave it out of metadata and read the key from the created "
        "credential's metadata"
    )
    assert client.get(URL, headers=tenant.headers).json() == []
