"""Rules of the credentials vault: secrets go in encrypted, come out only through :func:`reveal_secret`.

Every decryption for use is access-logged as ``credential.used`` (kind, name, purpose: never the
secret). The API never decrypts: listing and reading show the ``last4`` hint and metadata only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import ActorKind, AuditAction
from engium.crypto.envelope import CipherContext, key_version_of
from engium.crypto.keyring import DataKeyRing
from engium.crypto.rotation import ReencryptedBatch
from engium.crypto.secret import SecretBytes
from engium.errors import NotFound, Unprocessable
from engium.identity.principal import Principal
from engium.integrations import repository as repo
from engium.integrations.models import IntegrationCredential
from engium.integrations.schemas import CredentialCreate, CredentialKind, CredentialRotate

TABLE = "integration_credentials"
# Shorter secrets show no hint at all: four characters of an eight-character token is half of it.
HINT_MIN_LENGTH = 16


@dataclass(frozen=True)
class SystemCaller:
    """An internal component acting without a user (a channel sending an SMS, a webhook verifier)."""

    component: str


Actor = Principal | SystemCaller
CredentialRef = uuid.UUID | tuple[CredentialKind, str]


def current_context(credential: IntegrationCredential) -> CipherContext:
    return CipherContext(credential.tenant_id, TABLE, "ciphertext", str(credential.id))


def previous_context(credential: IntegrationCredential) -> CipherContext:
    return CipherContext(credential.tenant_id, TABLE, "previous_ciphertext", str(credential.id))


def hint_for(secret: SecretBytes) -> str:
    text = secret.reveal_text()
    return text[-4:] if len(text) >= HINT_MIN_LENGTH else ""


def _record(
    session: Session, actor: Actor, action: AuditAction, credential: IntegrationCredential, details: dict[str, Any]
) -> None:
    who = (ActorKind.SYSTEM, actor.component) if isinstance(actor, SystemCaller) else None
    audit.record(
        session,
        actor if isinstance(actor, Principal) else None,
        action,
        resource_type="integration_credential",
        resource_id=credential.id,
        tenant_id=credential.tenant_id,
        actor=who,
        details={"kind": credential.kind, "name": credential.name, **details},
    )


def _checked_secret(raw: str, metadata: dict[str, Any]) -> SecretBytes:
    # Metadata is stored in plain text: a secret pasted into it too would defeat the encryption.
    if any(isinstance(v, str) and v and (v in raw or raw in v) and len(v) >= 8 for v in metadata.values()):
        raise Unprocessable("metadata must not contain the secret; put only non-secret configuration there")
    return SecretBytes.from_text(raw)


def _find(session: Session, ref: CredentialRef, *, lock: bool = False) -> IntegrationCredential:
    if isinstance(ref, uuid.UUID):
        credential = repo.get(session, ref, lock=lock)
    else:
        credential = repo.get_by_name(session, ref[0].value, ref[1])
    if credential is None:
        raise NotFound("Integration credential not found")
    return credential


def list_credentials(session: Session) -> list[IntegrationCredential]:
    return repo.list_all(session)


def get_credential(session: Session, credential_id: uuid.UUID) -> IntegrationCredential:
    return _find(session, credential_id)


def create_credential(
    session: Session, vault: DataKeyRing, principal: Principal, body: CredentialCreate
) -> IntegrationCredential:
    secret = _checked_secret(body.secret.get_secret_value(), body.metadata)
    credential = IntegrationCredential(
        tenant_id=principal.tenant_id, id=uuid.uuid4(), kind=body.kind.value, name=body.name,
        last4=hint_for(secret), config=dict(body.metadata),
    )
    credential.ciphertext = vault.encrypt(session, current_context(credential), secret)
    credential.key_version = key_version_of(credential.ciphertext)
    repo.add(session, credential)
    _record(session, principal, AuditAction.CREDENTIAL_CREATED, credential, {})
    return credential


def rotate_credential(
    session: Session, vault: DataKeyRing, principal: Principal, credential_id: uuid.UUID, body: CredentialRotate
) -> IntegrationCredential:
    """The new secret becomes current; the old one stays valid for ``grace_period_hours``."""
    credential = _find(session, credential_id, lock=True)
    secret = _checked_secret(body.secret.get_secret_value(), credential.config)
    now = datetime.now(UTC)
    if body.grace_period_hours > 0:
        old = vault.decrypt(session, current_context(credential), credential.ciphertext)
        # Re-encrypted, not copied: the associated data names the column, so a copy would not open.
        credential.previous_ciphertext = vault.encrypt(session, previous_context(credential), old)
        credential.previous_valid_until = now + timedelta(hours=body.grace_period_hours)
    else:
        credential.previous_ciphertext = None
        credential.previous_valid_until = None
    credential.ciphertext = vault.encrypt(session, current_context(credential), secret)
    credential.key_version = key_version_of(credential.ciphertext)
    credential.last4 = hint_for(secret)
    credential.rotated_at = now
    session.flush()
    _record(
        session, principal, AuditAction.CREDENTIAL_ROTATED, credential,
        {"grace_period_hours": body.grace_period_hours},
    )
    return credential


def delete_credential(session: Session, principal: Principal, credential_id: uuid.UUID) -> None:
    credential = _find(session, credential_id, lock=True)
    _record(session, principal, AuditAction.CREDENTIAL_DELETED, credential, {})
    repo.delete(session, credential)


def reveal_secret(
    session: Session, vault: DataKeyRing, actor: Actor, ref: CredentialRef, *, purpose: str
) -> SecretBytes:
    """The current secret, for internal use (a channel calling Twilio). Access-logged; never for the API."""
    credential = _find(session, ref)
    secret = vault.decrypt(session, current_context(credential), credential.ciphertext)
    _record(session, actor, AuditAction.CREDENTIAL_USED, credential, {"purpose": purpose, "secrets": ["current"]})
    return secret


def verification_secrets(
    session: Session, vault: DataKeyRing, actor: Actor, ref: CredentialRef, *, purpose: str = "webhook_verification"
) -> list[SecretBytes]:
    """Current secret first, then the previous one while its grace period lasts: a webhook signed
    with either is accepted, so senders can switch over after a rotation."""
    credential = _find(session, ref)
    secrets = [vault.decrypt(session, current_context(credential), credential.ciphertext)]
    which = ["current"]
    if (
        credential.previous_ciphertext is not None
        and credential.previous_valid_until is not None
        and credential.previous_valid_until > datetime.now(UTC)
    ):
        secrets.append(vault.decrypt(session, previous_context(credential), credential.previous_ciphertext))
        which.append("previous")
    _record(session, actor, AuditAction.CREDENTIAL_USED, credential, {"purpose": purpose, "secrets": which})
    return secrets


class CredentialReencryption:
    """Moves every credential of the bound tenant onto its active data-key version (``keys rotate``).

    Expired previous secrets are dropped on the way instead of being re-encrypted."""

    name = TABLE

    def reencrypt_batch(
        self, session: Session, vault: DataKeyRing, tenant_id: uuid.UUID, after: str | None, limit: int
    ) -> ReencryptedBatch:
        active = vault.active_version(session, tenant_id)
        rows = repo.page_for_update(session, uuid.UUID(after) if after else None, limit)
        now = datetime.now(UTC)
        changed = 0
        for credential in rows:
            touched = False
            if credential.key_version != active:
                secret = vault.decrypt(session, current_context(credential), credential.ciphertext)
                credential.ciphertext = vault.encrypt(session, current_context(credential), secret)
                credential.key_version = key_version_of(credential.ciphertext)
                touched = True
            if credential.previous_ciphertext is not None:
                if credential.previous_valid_until is None or credential.previous_valid_until <= now:
                    credential.previous_ciphertext, credential.previous_valid_until = None, None
                    touched = True
                elif key_version_of(credential.previous_ciphertext) != active:
                    old = vault.decrypt(session, previous_context(credential), credential.previous_ciphertext)
                    credential.previous_ciphertext = vault.encrypt(session, previous_context(credential), old)
                    touched = True
            changed += touched
        session.flush()
        return ReencryptedBatch(last=str(rows[-1].id) if rows else None, changed=changed)
