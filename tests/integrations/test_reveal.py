"""Internal use of secrets: every decryption is access-logged; the previous secret lives out its grace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from engium.errors import NotFound
from engium.integrations import service
from engium.integrations.schemas import CredentialKind
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events
from tests.integrations.leaks import assert_absent, new_secret
from tests.integrations.vault_helpers import CHANNEL, rotate, stored, verification
from tests.tenancy.fixtures import owner_principal


def test_reveal_by_id_or_name_is_access_logged(runtime: Runtime, tenant: TenantHandle) -> None:
    secret = new_secret()
    credential_id = stored(runtime, tenant, secret)
    with tenant_transaction(runtime.database, tenant.id) as session:
        by_id = service.reveal_secret(session, runtime.vault, CHANNEL, credential_id, purpose="send_sms")
        by_name = service.reveal_secret(
            session, runtime.vault, owner_principal(tenant), (CredentialKind.TWILIO, "sms"), purpose="test_call"
        )
    assert by_id.reveal_text() == secret
    assert by_name == by_id
    assert_absent(secret, repr(by_id), "repr()")
    used = [e for e in audit_events(runtime, tenant) if e["action"] == "credential.used"]
    assert [(e["actor_kind"], e["actor_id"], e["details"]["purpose"]) for e in used] == [
        ("system", "channels.twilio", "send_sms"),
        ("user", str(tenant.owner_user_id), "test_call"),
    ]
    assert used[0]["details"]["kind"] == "twilio"
    assert_absent(secret, str(used), "the audit log")


def test_another_tenants_credential_cannot_be_revealed(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    credential_id = stored(runtime, tenant, new_secret())
    with tenant_transaction(runtime.database, other_tenant.id) as session, pytest.raises(NotFound):
        service.reveal_secret(session, runtime.vault, CHANNEL, credential_id, purpose="probe")






def test_webhook_verification_accepts_the_previous_secret_during_the_grace_period(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    first, second, third = new_secret(), new_secret(), new_secret()
    credential_id = stored(runtime, tenant, first)
    assert verification(runtime, tenant, credential_id) == [first]
    rotate(runtime, tenant, credential_id, second, hours=24)
    assert verification(runtime, tenant, credential_id) == [second, first]
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(
            text("update integration_credentials set previous_valid_until = :t where id = :i"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "i": credential_id},
        )
    assert verification(runtime, tenant, credential_id) == [second]
    rotate(runtime, tenant, credential_id, third, hours=0)
    assert verification(runtime, tenant, credential_id) == [third]
    used = [e for e in audit_events(runtime, tenant) if e["action"] == "credential.used"]
    assert [e["details"]["secrets"] for e in used] == [["current"], ["current", "previous"], ["current"], ["current"]]
