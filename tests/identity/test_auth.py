"""Authentication: sessions, API keys, lockout, MFA, CSRF and role permissions."""

from __future__ import annotations

import time

import pyotp
import pytest
from fastapi.testclient import TestClient

from engium.access.permissions import Role
from engium.app import create_app
from engium.config import Settings
from engium.runtime import Runtime
from tests.conftest import OWNER_PASSWORD, TenantHandle, bearer, make_api_key


def login(client: TestClient, email: str, password: str = OWNER_PASSWORD, **extra: object) -> dict[str, object]:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password, **extra})
    return {"status": response.status_code, **response.json()}


class TestSessions:
    def test_login_sets_an_httponly_session_and_returns_a_csrf_token(
        self, client: TestClient, tenant: TenantHandle
    ) -> None:
        response = client.post("/api/v1/auth/login", json={"email": tenant.owner_email, "password": OWNER_PASSWORD})
        assert response.status_code == 200
        assert response.json()["tenant_id"] == str(tenant.id)
        session_cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("engium_session="))
        assert "HttpOnly" in session_cookie
        assert "SameSite=lax" in session_cookie
        assert client.get("/api/v1/me").json()["email"] == tenant.owner_email

    def test_cookies_are_secure_by_default(self, runtime: Runtime, tenant: TenantHandle) -> None:
        secure_runtime = Runtime(settings=Settings(data_dir=runtime.settings.data_dir), database=runtime.database)
        with TestClient(create_app(secure_runtime), base_url="https://testserver") as secure_client:
            response = secure_client.post(
                "/api/v1/auth/login", json={"email": tenant.owner_email, "password": OWNER_PASSWORD}
            )
        assert all("Secure" in h for h in response.headers.get_list("set-cookie"))

    def test_wrong_password_and_unknown_email_get_the_same_answer(
        self, client: TestClient, tenant: TenantHandle
    ) -> None:
        wrong = login(client, tenant.owner_email, "not the password")
        unknown = login(client, "nobody@example.com", "whatever")
        assert wrong["status"] == unknown["status"] == 401
        assert wrong["error"] == unknown["error"]

    def test_logout_ends_the_session(self, client: TestClient, tenant: TenantHandle) -> None:
        csrf = login(client, tenant.owner_email)["csrf_token"]
        assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": str(csrf)}).status_code == 204
        assert client.get("/api/v1/me").status_code == 401

    def test_lockout_after_repeated_failures_survives_the_rolled_back_requests(
        self, client: TestClient, tenant: TenantHandle
    ) -> None:
        for _ in range(5):
            assert login(client, tenant.owner_email, "wrong password")["status"] == 401
        locked = login(client, tenant.owner_email)
        assert locked["status"] == 429
        assert "locked" in str(locked["error"])

    def test_sign_in_attempts_are_throttled_per_address(self, client: TestClient) -> None:
        statuses = [login(client, "spray@example.com", "x")["status"] for _ in range(31)]
        assert statuses[:30] == [401] * 30
        assert statuses[30] == 429


class TestCsrf:
    def test_cookie_authenticated_mutations_need_the_csrf_token(
        self, client: TestClient, tenant: TenantHandle
    ) -> None:
        csrf = str(login(client, tenant.owner_email)["csrf_token"])
        body = {"business_name": "Renamed"}
        missing = client.patch("/api/v1/settings", json=body)
        wrong = client.patch("/api/v1/settings", json=body, headers={"X-CSRF-Token": "forged"})
        right = client.patch("/api/v1/settings", json=body, headers={"X-CSRF-Token": csrf})
        assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
        assert client.get("/api/v1/settings").json()["business_name"] == "Renamed"

    def test_bearer_keys_need_no_csrf_token(self, client: TestClient, tenant: TenantHandle) -> None:
        response = client.patch("/api/v1/settings", json={"phone": "+15550100"}, headers=tenant.headers)
        assert response.status_code == 200


class TestApiKeys:
    def test_a_key_is_shown_once_and_stored_only_as_a_prefix_and_hash(
        self, client: TestClient, tenant: TenantHandle
    ) -> None:
        created = client.post("/api/v1/api-keys", json={"name": "ci", "role": "agent"}, headers=tenant.headers)
        assert created.status_code == 201
        key = created.json()["key"]
        assert key.startswith("egk_")
        listed = client.get("/api/v1/api-keys", headers=tenant.headers)
        assert key not in listed.text
        assert created.json()["key_prefix"] in listed.text
        assert client.get("/api/v1/me", headers=bearer(key)).json()["role"] == "agent"

    def test_a_revoked_key_is_refused(self, client: TestClient, tenant: TenantHandle) -> None:
        created = client.post("/api/v1/api-keys", json={"name": "tmp", "role": "agent"}, headers=tenant.headers).json()
        assert client.get("/api/v1/me", headers=bearer(created["key"])).status_code == 200
        revoked = client.delete(f"/api/v1/api-keys/{created['id']}", headers=tenant.headers)
        assert revoked.json()["revoked_at"] is not None
        assert client.get("/api/v1/me", headers=bearer(created["key"])).status_code == 401

    def test_last_used_time_is_recorded(self, client: TestClient, tenant: TenantHandle) -> None:
        client.get("/api/v1/me", headers=tenant.headers)
        keys = client.get("/api/v1/api-keys", headers=tenant.headers).json()
        assert any(k["last_used_at"] is not None for k in keys)

    @pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer egk_unknown", "Token x"])
    def test_malformed_or_unknown_credentials_get_401(self, client: TestClient, header: str) -> None:
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthorized"


class TestRoles:
    def test_an_agent_cannot_manage_api_keys(self, client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
        agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
        assert client.get("/api/v1/api-keys", headers=agent).status_code == 403
        assert client.post("/api/v1/api-keys", json={"name": "x", "role": "agent"}, headers=agent).status_code == 403

    def test_an_auditor_can_read_but_not_mutate(
        self, client: TestClient, runtime: Runtime, tenant: TenantHandle
    ) -> None:
        auditor = bearer(make_api_key(runtime, tenant, Role.AUDITOR))
        assert client.get("/api/v1/settings", headers=auditor).status_code == 200
        assert client.patch("/api/v1/settings", json={"phone": "1"}, headers=auditor).status_code == 403
        invitation = {"email": "new@example.com", "role": "agent"}
        assert client.post("/api/v1/invitations", json=invitation, headers=auditor).status_code == 403

    def test_an_admin_cannot_mint_an_owner_key(
        self, client: TestClient, runtime: Runtime, tenant: TenantHandle
    ) -> None:
        admin = bearer(make_api_key(runtime, tenant, Role.ADMIN))
        response = client.post("/api/v1/api-keys", json={"name": "x", "role": "owner"}, headers=admin)
        assert response.status_code == 403

    def test_the_last_owner_cannot_be_removed_or_demoted(self, client: TestClient, tenant: TenantHandle) -> None:
        path = f"/api/v1/members/{tenant.owner_user_id}"
        assert client.delete(path, headers=tenant.headers).status_code == 409
        assert client.patch(path, json={"role": "agent"}, headers=tenant.headers).status_code == 409

    def test_invited_members_set_their_password_and_sign_in(self, client: TestClient, tenant: TenantHandle) -> None:
        email = f"agent-{tenant.id.hex[:8]}@example.com"
        invited = client.post("/api/v1/invitations", json={"email": email, "role": "agent"}, headers=tenant.headers)
        assert invited.status_code == 201
        accepted = client.post(
            "/api/v1/invitations/accept", json={"token": invited.json()["token"], "password": "a long password!"}
        )
        assert accepted.status_code == 200
        assert accepted.json()["account_created"] is True
        signed_in = login(client, email, "a long password!")
        assert signed_in["status"] == 200
        assert signed_in["role"] == "agent"


class TestMfa:
    def test_a_tenant_can_require_totp_and_members_must_enrol(
        self, client: TestClient, tenant: TenantHandle
    ) -> None:
        assert client.patch("/api/v1/settings", json={"mfa_required": True}, headers=tenant.headers).status_code == 200
        first = login(client, tenant.owner_email)
        assert first["status"] == 200
        assert first["mfa_setup_required"] is True
        csrf = {"X-CSRF-Token": str(first["csrf_token"])}
        assert client.get("/api/v1/settings").status_code == 403

        setup = client.post("/api/v1/me/mfa/totp", headers=csrf).json()
        code = pyotp.TOTP(setup["secret"]).now()
        assert client.post("/api/v1/me/mfa/totp/confirm", json={"code": code}, headers=csrf).status_code == 204
        assert client.get("/api/v1/settings").status_code == 200

        client.cookies.clear()
        without_code = login(client, tenant.owner_email)
        assert without_code["status"] == 401
        # The enrolment code is spent; the next time step's code is within the allowed drift.
        replayed = login(client, tenant.owner_email, totp_code=code)
        assert replayed["status"] == 401
        with_code = login(client, tenant.owner_email, totp_code=pyotp.TOTP(setup["secret"]).at(time.time() + 30))
        assert with_code["status"] == 200
        assert with_code["mfa_verified"] is True

    def test_a_wrong_totp_code_is_refused(self, client: TestClient, tenant: TenantHandle) -> None:
        csrf = {"X-CSRF-Token": str(login(client, tenant.owner_email)["csrf_token"])}
        client.post("/api/v1/me/mfa/totp", headers=csrf)
        assert client.post("/api/v1/me/mfa/totp/confirm", json={"code": "000000"}, headers=csrf).status_code == 400
