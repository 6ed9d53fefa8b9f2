"""Storing, rotating and verifying a tenant's credentials, for the vault and reveal tests."""

from __future__ import annotations

import uuid

from pydantic import SecretStr

from engium.integrations import service
from engium.integrations.schemas import CredentialCreate, CredentialKind, CredentialRotate
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle
from tests.tenancy.fixtures import owner_principal

CHANNEL = service.SystemCaller("channels.twilio")


def stored(runtime: Runtime, tenant: TenantHandle, secret: str, name: str = "sms") -> uuid.UUID:
    with tenant_transaction(runtime.database, tenant.id) as session:
        credential = service.create_credential(
            session, runtime.vault, owner_principal(tenant),
            CredentialCreate(kind=CredentialKind.TWILIO, name=name, secret=SecretStr(secret)),
        )
    return credential.id


def rotate(runtime: Runtime, tenant: TenantHandle, credential_id: uuid.UUID, secret: str, hours: float) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        service.rotate_credential(
            session, runtime.vault, owner_principal(tenant), credential_id,
            CredentialRotate(secret=SecretStr(secret), grace_period_hours=hours),
        )


def verification(runtime: Runtime, tenant: TenantHandle, credential_id: uuid.UUID) -> list[str]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        found = service.verification_secrets(session, runtime.vault, CHANNEL, credential_id)
    return [s.reveal_text() for s in found]
