"""Internal use of secrets: every decryption is access-logged; the previous secret lives out its grace."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from engium.errors import NotFound
from engium.integrations import service
from engium.integrations.schemas import CredentialCreate, CredentialKind, CredentialRotate
from engium.runtime import Runtime
from tests.conftest import TenantHandle, audit_events
from tests.integrations.leaks import assert_absent, new_secret
from tests.tenancy.fixtures import owner_principal

CHANNEL = service.SystemCaller("channels.twilio")


def stored(runtime: Runtime, tenant: TenantHandle, secret: str, name: str = "sms") -> uuid.UUID:
    with runtime.database.tenant_transaction(tenant.id) as session:
        credential = service.create_credential(
            session, runtime.vault, owner_principal(tenant),
            CredentialCreate(kind=CredentialKind.TWILIO, name=name, secret=SecretStr(secret)),
        )
    return credential.id


def test_reveal_by_id_or_name_is_access_logged(runtime: Runtime, tenant: TenantHandle) -> None:
    secret = new_secret()
    credential_id = stored(runtime, tenant, secret)
    with runtime.database.tenant_transaction(tenant.id) as session:
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
    with runtime.database.tenant_transaction(other_tenant.id) as session, pytest.raises(NotFound):
        service.reveal_secret(session, runtime.vault, CHANNEL, credential_id, purpose="probe")


def rotate(runtime: Runtime, tenant: TenantHandle, credential_id: uuid.UUID, secret: str, hours: float) -> None:
    with runtime.database.tenant_transaction(tenant.id) as session:
        service.rotate_credential(
            session, runtime.vault, owner_principal(tenant), credential_id,
            CredentialRotate(secret=SecretStr(secret), grace_period_hours=hours),
        )


def verification(runtime: Runtime, tenant: TenantHandle, credential_id: uuid.UUID) -> list[str]:
    with runtime.database.tenant_transaction(tenant.id) as session:
        found = service.verification_secrets(session, runtime.vault, CHANNEL, credential_id)
    return [s.reveal_text() for s in found]


def test_webhook_verification_accepts_the_previous_secret_during_the_grace_period(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    first, second, third = new_secret(), new_secret(), new_secret()
    credential_id = stored(runtime, tenant, first)
    assert verification(runtime, tenant, credential_id) == [first]
    rotate(runtime, tenant, credential_id, second, hours=24)
    assert verification(runtime, tenant, credential_id) == [second, first]
    with runtime.database.tenant_transaction(tenant.id) as session:
        session.execute(
            text("update integration_credentials set previous_valid_until = :t where id = :i"),
            {"t": datetime.now(UTC) - timedelta(seconds=1), "i": credential_id},
        )
    assert verification(runtime, tenant, credential_id) == [second]
    rotate(runtime, tenant, credential_id, third, hours=0)
    assert verification(runtime, tenant, credential_id) == [third]
    used = [e for e in audit_events(runtime, tenant) if e["action"] == "credential.used"]
    assert [e["details"]["secrets"] for e in used] == [["current"], ["current", "previous"], ["current"], ["current"]]
