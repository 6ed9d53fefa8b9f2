"""Finding 5: API keys outlived their creator's membership.

Removing or demoting a member left their keys working at the old role, and an owner could not see
whose keys they were. Now a key never has more rights than its creator has now (enforced by
``auth_api_key`` in the database), removal revokes, and the key list shows the creator.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx2 as httpx
from sqlalchemy import text

from engium.access.permissions import ROLE_PERMISSIONS, Role, can_grant
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, bearer
from tests.live_server import LiveServer
from tests.security.sign_in import accept, invite, sign_in

PASSWORD = "a member's own long password"


def member(client: httpx.Client, tenant: TenantHandle, role: str) -> tuple[str, str]:
    """A member who accepted an invitation; returns (user id, e-mail)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    joined = accept(client, invite(client, tenant, email, role)["token"], PASSWORD)
    assert joined.status_code == 200, joined.text
    return str(joined.json()["user_id"]), email


def key_made_by(live: LiveServer, email: str, role: str) -> dict[str, Any]:
    """The member signs in (cookie + CSRF, as the dashboard does) and mints a key."""
    with live.client() as browser:
        assert sign_in(browser, email, PASSWORD).status_code == 200
        made = browser.post("/api/v1/api-keys", json={"name": f"{role} script", "role": role})
        assert made.status_code == 201, made.text
        body: dict[str, Any] = made.json()
        return body


def works(client: httpx.Client, key: str) -> bool:
    return client.get("/api/v1/me", headers=bearer(key)).status_code == 200


def test_removing_a_member_stops_their_keys(live: LiveServer, live_tenant: TenantHandle) -> None:
    with live.client() as client:
        user_id, email = member(client, live_tenant, "admin")
        key = key_made_by(live, email, "admin")
        assert works(client, key["key"])
        assert client.delete(f"/api/v1/members/{user_id}", headers=live_tenant.headers).status_code == 204
        assert not works(client, key["key"])
        listed = {k["id"]: k for k in client.get("/api/v1/api-keys", headers=live_tenant.headers).json()}
        assert listed[key["id"]]["revoked_at"] is not None


def test_demoting_a_member_stops_keys_above_their_new_role(live: LiveServer, live_tenant: TenantHandle) -> None:
    with live.client() as client:
        user_id, email = member(client, live_tenant, "admin")
        admin_key, agent_key = key_made_by(live, email, "admin"), key_made_by(live, email, "agent")
        demoted = client.patch(f"/api/v1/members/{user_id}", json={"role": "agent"}, headers=live_tenant.headers)
        assert demoted.status_code == 200
        assert not works(client, admin_key["key"])
        # What the agent could still have granted keeps working, at its own role.
        assert client.get("/api/v1/me", headers=bearer(agent_key["key"])).json()["role"] == "agent"


def test_the_database_refuses_a_key_its_creator_could_no_longer_grant(
    live: LiveServer, live_tenant: TenantHandle, live_runtime: Runtime
) -> None:
    """Defence in depth: even a demotion written straight to the table (no service, no revocation)."""
    with live.client() as client:
        user_id, email = member(client, live_tenant, "admin")
        key = key_made_by(live, email, "admin")
        with tenant_transaction(live_runtime.database, live_tenant.id) as session:
            session.execute(text("update memberships set role = 'agent' where user_id = :u"), {"u": user_id})
        assert not works(client, key["key"])
        with tenant_transaction(live_runtime.database, live_tenant.id) as session:
            session.execute(text("update memberships set role = 'admin' where user_id = :u"), {"u": user_id})
        assert works(client, key["key"])


def test_keys_minted_by_a_key_fall_with_it(live: LiveServer, live_tenant: TenantHandle) -> None:
    with live.client() as client:
        parent = client.post("/api/v1/api-keys", json={"name": "ci", "role": "admin"}, headers=live_tenant.headers)
        child = client.post("/api/v1/api-keys", json={"name": "ci child", "role": "agent"},
                            headers=bearer(parent.json()["key"]))
        assert child.status_code == 201
        assert child.json()["created_by"] == {"kind": "api_key", "user_id": None, "email": None,
                                              "api_key_id": parent.json()["id"]}
        assert client.delete(f"/api/v1/api-keys/{parent.json()['id']}", headers=live_tenant.headers).status_code == 200
        assert not works(client, child.json()["key"])


def test_the_key_list_names_each_keys_creator(live: LiveServer, live_tenant: TenantHandle) -> None:
    with live.client() as client:
        _, email = member(client, live_tenant, "admin")
        key = key_made_by(live, email, "agent")
        listed = {k["id"]: k for k in client.get("/api/v1/api-keys", headers=live_tenant.headers).json()}
        assert listed[key["id"]]["created_by"]["kind"] == "user"
        assert listed[key["id"]]["created_by"]["email"] == email
        operators = [k for k in listed.values() if k["created_by"]["kind"] == "operator"]
        assert operators, "the fixture's owner key was minted by the operator"


def test_the_databases_grant_rule_is_the_permission_model(live_runtime: Runtime) -> None:
    with live_runtime.database.transaction() as session:
        for granter in Role:
            for role in Role:
                in_sql = session.execute(
                    text("select role_can_grant(:g, :r)"), {"g": granter.value, "r": role.value}
                ).scalar()
                assert in_sql is can_grant(granter, role), (granter, role, ROLE_PERMISSIONS[role])
