"""The vault against the real database: binding to rows, rotation, and crypto-shredding."""

from __future__ import annotations

import base64
import json
import os
import uuid

import pytest
from sqlalchemy import text

from engium.crypto import repository as keys
from engium.crypto.envelope import CipherContext, DecryptionError
from engium.crypto.keyring import DataKeyRing
from engium.crypto.providers import EnvironmentKeyProvider
from engium.crypto.rotation import rotate_root_key, rotate_tenant_data_key
from engium.crypto.secret import SecretBytes
from engium.integrations import service
from engium.integrations.service import CredentialReencryption
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.tenancy.service import delete_tenant
from tests.conftest import TenantHandle, audit_events, make_tenant
from tests.integrations.vault_helpers import CHANNEL, rotate, stored, verification

pytestmark = pytest.mark.usefixtures("database")


def reveal(runtime: Runtime, tenant_id: uuid.UUID, credential_id: uuid.UUID) -> str:
    with tenant_transaction(runtime.database, tenant_id) as session:
        return service.reveal_secret(session, runtime.vault, CHANNEL, credential_id, purpose="test").reveal_text()


def copy_column(runtime: Runtime, tenant_id: uuid.UUID, sql: str, **params: object) -> None:
    with tenant_transaction(runtime.database, tenant_id) as session:
        session.execute(text(sql), params)


def test_a_ciphertext_copied_to_another_row_does_not_decrypt(runtime: Runtime, tenant: TenantHandle) -> None:
    source, target = stored(runtime, tenant, "secret-one-" + "x" * 8, "a"), stored(runtime, tenant, "two" * 4, "b")
    copy_column(
        runtime, tenant.id,
        "update integration_credentials set ciphertext = (select ciphertext from integration_credentials "
        "where id = :s) where id = :t", s=source, t=target,
    )
    with pytest.raises(DecryptionError):
        reveal(runtime, tenant.id, target)
    assert reveal(runtime, tenant.id, source).startswith("secret-one-")


def test_a_ciphertext_copied_to_another_column_does_not_decrypt(runtime: Runtime, tenant: TenantHandle) -> None:
    credential = stored(runtime, tenant, "column-secret-value")
    copy_column(
        runtime, tenant.id,
        "update integration_credentials set previous_ciphertext = ciphertext, "
        "previous_valid_until = now() + interval '1 hour' where id = :i", i=credential,
    )
    with pytest.raises(DecryptionError):
        verification(runtime, tenant, credential)


def test_a_ciphertext_copied_to_another_tenant_does_not_decrypt(
    runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    victim = stored(runtime, tenant, "tenant-secret-value")
    decoy = stored(runtime, other_tenant, "decoy-secret-value")
    with tenant_transaction(runtime.database, tenant.id) as session:
        stolen = session.execute(
            text("select ciphertext from integration_credentials where id = :i"), {"i": victim}
        ).scalar_one()
    # Even under the victim's own row id: the attacker's tenant id and data key differ.
    copy_column(
        runtime, other_tenant.id, "update integration_credentials set ciphertext = :c, id = :v where id = :d",
        c=stolen, v=victim, d=decoy,
    )
    with pytest.raises(DecryptionError):
        reveal(runtime, other_tenant.id, victim)


def test_root_rotation_keeps_every_credential_readable(runtime: Runtime) -> None:
    tenants = [make_tenant(runtime) for _ in range(3)]
    secrets = {t.id: (stored(runtime, t, f"root-rotation-{t.id.hex}"), f"root-rotation-{t.id.hex}") for t in tenants}
    provider = runtime.vault.provider
    before = provider.active_key_id()
    report = rotate_root_key(runtime.database, runtime.vault)
    assert report.root_key_id == provider.active_key_id() != before
    assert report.data_keys_rewrapped >= len(tenants)
    assert before in report.removed_root_keys
    assert provider.key_ids() == (report.root_key_id,)
    runtime.vault.forget_cached()
    for tenant_id, (credential_id, secret) in secrets.items():
        assert reveal(runtime, tenant_id, credential_id) == secret
        with tenant_transaction(runtime.database, tenant_id) as session:
            assert {root for _, _, root in keys.versions(session, tenant_id)} == {report.root_key_id}
    with runtime.database.transaction() as session:
        assert set(keys.root_keys_in_use(session)) == {report.root_key_id}
    handle = tenants[0]
    assert "key.root_rotated" in [e["action"] for e in audit_events(runtime, handle)]


def test_tenant_rotation_reencrypts_and_retires_the_old_version(runtime: Runtime, tenant: TenantHandle) -> None:
    first = stored(runtime, tenant, "first-secret-value", "first")
    second = stored(runtime, tenant, "second-secret-value", "second")
    rotate(runtime, tenant, second, "second-secret-rotated", hours=24)
    report = rotate_tenant_data_key(
        runtime.database, runtime.vault, tenant.id, [CredentialReencryption()], batch_size=1
    )
    assert report.reencrypted == {"integration_credentials": 2}
    with tenant_transaction(runtime.database, tenant.id) as session:
        states = {v: s for v, s, _ in keys.versions(session, tenant.id)}
        rows = session.execute(
            text("select key_version, substring(previous_ciphertext from 5 for 4) from integration_credentials")
        ).all()
    assert states == {1: "retired", 2: "active"}
    assert report.retired_versions == [1]
    assert {r[0] for r in rows} == {2}
    assert {r[1] for r in rows} - {None} == {(2).to_bytes(4, "big")}
    assert reveal(runtime, tenant.id, first) == "first-secret-value"
    assert verification(runtime, tenant, second) == ["second-secret-rotated", "second-secret-value"]
    phases = [e["details"]["phase"] for e in audit_events(runtime, tenant) if e["action"] == "key.data_rotated"]
    assert phases == ["started", "completed"]


def test_a_data_key_is_replaced_before_its_nonce_budget_runs_out(runtime: Runtime, tenant: TenantHandle) -> None:
    vault = DataKeyRing(runtime.vault.provider, encryption_limit=2)
    context = CipherContext(tenant.id, "test", "value", "1")
    with tenant_transaction(runtime.database, tenant.id) as session:
        sealed = [vault.encrypt(session, context, SecretBytes(b"v")) for _ in range(5)]
        assert [int.from_bytes(c[4:8], "big") for c in sealed] == [1, 1, 2, 2, 3]
        assert all(vault.decrypt(session, context, c) == SecretBytes(b"v") for c in sealed)


def test_a_deleted_tenants_copied_ciphertexts_become_unreadable(runtime: Runtime) -> None:
    doomed = make_tenant(runtime)
    credential = stored(runtime, doomed, "shredded-secret-value")
    with tenant_transaction(runtime.database, doomed.id) as session:
        copied = session.execute(text("select * from integration_credentials where id = :i"), {"i": credential}).one()
    with runtime.database.transaction() as session:
        delete_tenant(session, doomed.id)
    with tenant_transaction(runtime.database, doomed.id) as session:
        assert keys.versions(session, doomed.id) == []
        assert session.execute(text("select count(*) from integration_credentials")).scalar_one() == 0
    # Restore the copied row under a re-created tenant with the same id: its data key is gone for good.
    with tenant_transaction(runtime.database, doomed.id) as session:
        session.execute(text("insert into tenants (id, name) values (:t, 'Revenant')"), {"t": doomed.id})
        row = {**copied._mapping, "metadata": json.dumps(copied.metadata)}
        session.execute(
            text(
                f"insert into integration_credentials ({', '.join(row)}) "
                f"values ({', '.join(f'cast(:{c} as jsonb)' if c == 'metadata' else ':' + c for c in row)})"
            ),
            row,
        )
    with pytest.raises(DecryptionError):
        reveal(runtime, doomed.id, credential)
    with tenant_transaction(runtime.database, doomed.id) as session:
        runtime.vault.encrypt(session, CipherContext(doomed.id, "t", "c", "r"), SecretBytes(b"new key, same v1"))
    with pytest.raises(DecryptionError):
        reveal(runtime, doomed.id, credential)
    assert "tenant.deleted" in [e["action"] for e in audit_events(runtime, doomed)]


def test_the_environment_provider_works_end_to_end(runtime: Runtime, tenant: TenantHandle) -> None:
    vault = DataKeyRing(EnvironmentKeyProvider(base64.b64encode(os.urandom(32)).decode()))
    context = CipherContext(tenant.id, "test", "value", "env")
    with tenant_transaction(runtime.database, tenant.id) as session:
        sealed = vault.encrypt(session, context, SecretBytes(b"from the environment"))
    vault.forget_cached()
    with tenant_transaction(runtime.database, tenant.id) as session:
        assert vault.decrypt(session, context, sealed).reveal() == b"from the environment"
        root = keys.versions(session, tenant.id)[0][2]
    assert root.startswith("env-")


def test_cross_tenant_enumeration_reveals_tenant_ids_and_nothing_else(
    runtime: Runtime, tenant: TenantHandle
) -> None:
    stored(runtime, tenant, "enumeration-secret")
    with runtime.database.transaction() as session:
        assert tenant.id in keys.vault_tenant_ids(session)
        # Unbound, the app role itself sees no key rows at all (RLS).
        assert session.execute(text("select count(*) from tenant_data_keys")).scalar_one() == 0
        privileges = session.execute(
            text(
                "select has_column_privilege('engium_auth', 'tenant_data_keys', 'wrapped_key', 'select'), "
                "has_function_privilege('public', 'vault_tenant_ids()', 'execute')"
            )
        ).one()
    assert tuple(privileges) == (False, False)
