"""Critical finding: a tenant could plant the password of a login another business would use.

Users are global. Before the fix, ``POST /members`` with an e-mail that already had an account reused
that account and silently ignored the password given, so tenant M could register
``alice@victim.example`` with a password of M's choosing, remove her, and later sign in as the admin
that tenant V "added" with V's own password. Now joining is an invitation the invitee redeems: a new
address sets its own password, an existing account signs in to accept. Every attack below runs against
a real ``engium serve``.
"""

from __future__ import annotations

import uuid

from engium.access.permissions import Role
from engium.runtime import Runtime
from tests.conftest import OWNER_PASSWORD, TenantHandle, audit_events, bearer, make_api_key, make_tenant
from tests.live_server import LiveServer
from tests.security.sign_in import PASSWORD_OF_M, accept, invite, sign_in


def victim_address() -> str:
    return f"alice-{uuid.uuid4().hex[:8]}@victim.example"


def test_a_business_can_no_longer_set_a_members_password(live: LiveServer, live_tenant: TenantHandle) -> None:
    with live.client() as client:
        body = {"email": victim_address(), "role": "admin", "password": PASSWORD_OF_M}
        # The old endpoint is gone, and the invitation takes no password at all.
        assert client.post("/api/v1/members", json=body, headers=live_tenant.headers).status_code == 405
        refused = client.post("/api/v1/invitations", json=body, headers=live_tenant.headers)
        assert refused.status_code == 422


def test_the_planted_password_does_not_open_the_victim_business(live: LiveServer, live_runtime: Runtime) -> None:
    attacker, victim = make_tenant(live_runtime, "Tenant M"), make_tenant(live_runtime, "Tenant V")
    alice = victim_address()
    with live.client() as m:
        # M invites alice and redeems the link itself, choosing her password; then removes her.
        planted = invite(m, attacker, alice)
        assert accept(m, planted["token"], PASSWORD_OF_M).status_code == 200
        members = m.get("/api/v1/members", headers=attacker.headers).json()
        alice_id = next(x["user_id"] for x in members if x["email"] == alice)
        assert m.delete(f"/api/v1/members/{alice_id}", headers=attacker.headers).status_code == 204

    with live.client() as v:
        # V invites the same address as an admin. Nothing in the answer says an account exists.
        offered = invite(v, victim, alice, role="admin")
        assert set(offered) == {"id", "email", "role", "invited_by_kind", "created_at", "expires_at", "token",
                                "accept_url"}

    with live.client() as m:
        # M's password gets M nowhere in V: the membership does not exist until alice accepts.
        assert sign_in(m, alice, PASSWORD_OF_M, tenant_id=str(victim.id)).status_code == 401
        assert m.get("/api/v1/contacts").status_code == 401
        assert m.get("/api/v1/integrations").status_code == 401
        # Without V's link, M cannot accept V's invitation either.
        assert accept(m, "x" * 43, PASSWORD_OF_M).status_code == 404

    with live.client() as v:
        # Whoever holds V's link must prove the existing account: a new password is not accepted.
        assert accept(v, offered["token"], "a password V or alice would choose").status_code == 401
        assert v.get("/api/v1/members", headers=victim.headers).json()[0]["email"] == victim.owner_email
        assert alice not in v.get("/api/v1/members", headers=victim.headers).text


def test_a_new_address_sets_its_own_password_once(live: LiveServer, live_tenant: TenantHandle) -> None:
    alice = victim_address()
    with live.client() as client:
        offered = invite(client, live_tenant, alice, role="agent")
        assert accept(client, offered["token"], "short").status_code == 422
        joined = accept(client, offered["token"], "alice's own long password", display_name="Alice")
        assert joined.status_code == 200, joined.text
        assert joined.json() == {"tenant_id": str(live_tenant.id), "user_id": joined.json()["user_id"],
                                 "role": "agent", "account_created": True}
        # Single use: the same link cannot set another password.
        assert accept(client, offered["token"], "a second password, later").status_code == 404
        assert sign_in(client, alice, "a second password, later").status_code == 401
        assert sign_in(client, alice, "alice's own long password").status_code == 200


def test_an_existing_account_joins_by_signing_in(live: LiveServer, live_runtime: Runtime) -> None:
    first, second = make_tenant(live_runtime), make_tenant(live_runtime)
    with live.client() as client:
        # The owner of one business is invited to a second one and accepts with their own password.
        offered = invite(client, second, first.owner_email, role="agent")
        preview = client.post("/api/v1/invitations/preview", json={"token": offered["token"]})
        assert preview.json()["account_exists"] is True
        joined = accept(client, offered["token"], OWNER_PASSWORD)
        assert joined.status_code == 200
        assert joined.json()["account_created"] is False
        listed = sign_in(client, first.owner_email, OWNER_PASSWORD)
        # Two memberships, both accepted by the account's holder: the choice lists exactly those.
        assert listed.status_code == 400
        names = {t["name"] for t in listed.json()["error"]["details"]["tenants"]}
        assert names == {first.name, second.name}


def test_a_member_list_reveals_no_other_business(live: LiveServer, live_runtime: Runtime) -> None:
    shared = make_tenant(live_runtime)
    other = make_tenant(live_runtime, "A business nobody else should learn of")
    with live.client() as client:
        accept(client, invite(client, other, shared.owner_email)["token"], OWNER_PASSWORD)
        members = client.get("/api/v1/members", headers=shared.headers)
        assert other.name not in members.text
        assert set(members.json()[0]) == {"user_id", "email", "display_name", "role", "mfa_enabled", "created_at"}


def test_invitations_are_audited_without_the_address_or_token(live: LiveServer, live_runtime: Runtime) -> None:
    tenant = make_tenant(live_runtime)
    alice = victim_address()
    with live.client() as client:
        offered = invite(client, tenant, alice)
        accept(client, offered["token"], "alice's own long password")
    events = [e for e in audit_events(live_runtime, tenant) if e["action"].startswith(("invitation.", "member."))]
    # The first member.added is the owner's, at provisioning.
    assert [e["action"] for e in events] == ["member.added", "invitation.created", "invitation.accepted",
                                              "member.added"]
    assert all(alice not in str(e) and offered["token"] not in str(e) for e in events)
    assert events[2]["actor_kind"] == "user"


def test_an_expired_or_revoked_invitation_cannot_be_redeemed(live: LiveServer, live_tenant: TenantHandle) -> None:
    with live.client() as client:
        offered = invite(client, live_tenant, victim_address())
        revoked = client.delete(f"/api/v1/invitations/{offered['id']}", headers=live_tenant.headers)
        assert revoked.status_code == 204
        assert accept(client, offered["token"], "a long enough password").status_code == 404
        assert client.post("/api/v1/invitations/preview", json={"token": offered["token"]}).status_code == 404


def test_an_admin_cannot_invite_an_owner(live: LiveServer, live_tenant: TenantHandle, live_runtime: Runtime) -> None:
    admin = bearer(make_api_key(live_runtime, live_tenant, Role.ADMIN))
    with live.client() as client:
        refused = client.post("/api/v1/invitations", json={"email": victim_address(), "role": "owner"}, headers=admin)
        assert refused.status_code == 403
