"""The critical finding through the operator's CLI: ``engium tenant create --owner-email`` for an
address another tenant pre-registered printed an "owner password" that did not work, while the
pre-registering tenant's password did. ``engium user create`` granted any role, owner included,
with no audit event. Both now invite, print a link instead of a password, and are recorded in the
tenant's audit log with an operator actor.
"""

from __future__ import annotations

import json
import uuid

from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events
from tests.live_server import LiveServer, run_cli
from tests.security.sign_in import PASSWORD_OF_M, accept, invite, sign_in


def created_tenant(live_runtime: Runtime, tenant_id: str, name: str) -> TenantHandle:
    return TenantHandle(uuid.UUID(tenant_id), name, "", uuid.UUID(int=0), "")


def test_tenant_create_for_a_pre_registered_address_gives_the_squatter_nothing(
    live: LiveServer, live_runtime: Runtime, live_tenant: TenantHandle
) -> None:
    victim = f"owner-{uuid.uuid4().hex[:8]}@victim.example"
    with live.client() as m:
        # Tenant M registers the address first, with a password M chose.
        assert accept(m, invite(m, live_tenant, victim)["token"], PASSWORD_OF_M).status_code == 200

    created = run_cli(live.data_dir, "tenant", "create", "Victim Dental", "--owner-email", victim, "--json")
    assert created.returncode == 0, created.stderr
    printed = json.loads(created.stdout)
    assert "password" not in created.stdout
    with live.client() as m:
        # M's password does not open the new business: its owner has not accepted yet.
        assert sign_in(m, victim, PASSWORD_OF_M, tenant_id=printed["id"]).status_code == 401
        token = printed["invitation_url"].split("token=", 1)[1]
        preview = m.post("/api/v1/invitations/preview", json={"token": token})
        # Whoever holds the link learns the account exists and must sign in with it; it sets nothing.
        assert preview.json()["account_exists"] is True
        assert accept(m, token, "a new password chosen now").status_code == 401

    events = audit_events(live_runtime, created_tenant(live_runtime, printed["id"], "Victim Dental"))
    assert [e["action"] for e in events][:2] == ["tenant.created", "invitation.created"]
    assert all(e["actor_kind"] == "operator" and "@" in e["actor_id"] for e in events[:2])


def test_user_create_invites_and_is_audited_with_the_operator(
    live: LiveServer, live_runtime: Runtime, live_tenant: TenantHandle
) -> None:
    email = f"new-owner-{uuid.uuid4().hex[:8]}@example.com"
    made = run_cli(live.data_dir, "user", "create", "--email", email, "--tenant", str(live_tenant.id),
                   "--role", "owner", "--json")
    assert made.returncode == 0, made.stderr
    assert "password" not in made.stdout
    event = [e for e in audit_events(live_runtime, live_tenant) if e["action"] == "invitation.created"][-1]
    assert event["actor_kind"] == "operator"
    assert event["details"]["role"] == "owner"
    with live.client() as client:
        token = json.loads(made.stdout)["invitation_url"].split("token=", 1)[1]
        assert accept(client, token, "the new owner's own password").status_code == 200
        assert sign_in(client, email, "the new owner's own password").json()["role"] == "owner"


def test_apikey_create_is_attributed_to_the_operator(
    live: LiveServer, live_runtime: Runtime, live_tenant: TenantHandle
) -> None:
    made = run_cli(live.data_dir, "apikey", "create", "--tenant", str(live_tenant.id), "--role", "agent")
    assert made.returncode == 0, made.stderr
    event = [e for e in audit_events(live_runtime, live_tenant) if e["action"] == "apikey.created"][-1]
    assert event["actor_kind"] == "operator"
