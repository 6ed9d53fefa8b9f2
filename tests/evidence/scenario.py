"""Two tenants with something in every evidence section, and the secrets planted in them that no archive
may ever contain (hashes, key material, TOTP secrets, customers' personal data)."""

from __future__ import annotations

import base64
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from engium.access.permissions import Role
from engium.audit.checkpoints import seal_with_settings
from engium.audit.signing import signing_key_path
from engium.identity import totp
from engium.identity.api_keys import create_api_key
from engium.privacy import requests
from engium.privacy.policy import update_policy
from engium.privacy.retention import run_for_tenant
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, make_tenant
from tests.privacy.seeding import contact
from tests.tenancy.fixtures import owner_principal

TOTP_SECRET = "JBSWY3DPEHPK3PXPPLANTEDTOTPAAAA"
REFUSAL_REASON = "planted refusal reason naming Ada Customer"


@dataclass
class Scenario:
    tenant: TenantHandle
    other: TenantHandle
    agent_key: str
    # Texts and byte strings that must appear in no file of any archive.
    secrets: dict[str, bytes] = field(default_factory=dict)


def _forms(name: str, value: bytes) -> dict[str, bytes]:
    """A binary secret as stored, in hex and in base64 (how a careless export would print it)."""
    return {name: value, f"{name} (hex)": value.hex().encode(), f"{name} (base64)": base64.b64encode(value)}


def _seed_tenant(runtime: Runtime, tenant: TenantHandle, scenario: Scenario, phone_prefix: str) -> None:
    database = runtime.database
    with tenant_transaction(database, tenant.id) as session:
        # Two data-key versions: a rotation to report.
        runtime.vault.active_version(session, tenant.id)
        runtime.vault.rotate(session, tenant.id)
        _, agent_key = create_api_key(session, owner_principal(tenant), tenant_id=tenant.id, name="front desk",
                                      role=Role.AGENT)
        session.execute(text("update api_keys set last_used_at = now() where name = 'front desk'"))
        update_policy(session, owner_principal(tenant), {"conversation_days": 365})
        customer = contact(session, tenant.id, datetime.now(UTC))
        pending = requests.file_request(session, owner_principal(tenant), "access", customer)
        late = requests.file_request(session, owner_principal(tenant), "erasure", customer)
        late.due_at = datetime.now(UTC) - timedelta(days=2)
        answered = requests.file_request(session, owner_principal(tenant), "export", customer)
        requests.refuse(session, owner_principal(tenant), answered.id, REFUSAL_REASON)
        assert pending.id != late.id
        phone = session.execute(text("select phone from contacts where id = :c"), {"c": customer}).scalar_one()
        wrapped = session.execute(text("select wrapped_key from tenant_data_keys")).scalars().all()
        hashes = session.execute(text("select key_hash from api_keys")).scalars().all()
        password_hash = session.execute(text("select password_hash from users where id = :u"),
                                        {"u": tenant.owner_user_id}).scalar_one()
    scenario.agent_key = scenario.agent_key or agent_key
    scenario.secrets[f"{phone_prefix} customer phone"] = phone.encode()
    scenario.secrets[f"{phone_prefix} owner key"] = tenant.owner_key.encode()
    scenario.secrets[f"{phone_prefix} agent key"] = agent_key.encode()
    scenario.secrets[f"{phone_prefix} password hash"] = password_hash.encode()
    for number, blob in enumerate(wrapped):
        scenario.secrets.update(_forms(f"{phone_prefix} wrapped data key {number}", bytes(blob)))
    for number, blob in enumerate(hashes):
        scenario.secrets.update(_forms(f"{phone_prefix} api key hash {number}", bytes(blob)))
    # The owner turns MFA on: the legacy clear column and the sealed one both hold a secret.
    sealed = totp.seal(database, runtime.vault, tenant.owner_user_id, TOTP_SECRET)
    with tenant_transaction(database, tenant.id, tenant.owner_user_id) as session:
        session.execute(text("update users set totp_secret = :s, totp_ciphertext = :c, totp_enabled = true "
                             "where id = :u"), {"s": TOTP_SECRET, "c": sealed, "u": tenant.owner_user_id})
    scenario.secrets.update(_forms(f"{phone_prefix} totp ciphertext", sealed))
    run_for_tenant(database, tenant.id)


def build(runtime: Runtime) -> Scenario:
    scenario = Scenario(make_tenant(runtime), make_tenant(runtime), "")
    _seed_tenant(runtime, scenario.tenant, scenario, "tenant")
    _seed_tenant(runtime, scenario.other, scenario, "other")
    scenario.secrets["totp secret"] = TOTP_SECRET.encode()
    scenario.secrets["customer name"] = b"Ada Customer"
    scenario.secrets["refusal reason"] = REFUSAL_REASON.encode()
    private_pem = signing_key_path(runtime.settings).read_text() if signing_key_path(runtime.settings).exists() \
        else ""
    seal_with_settings(runtime.database, runtime.settings)
    private_pem = private_pem or signing_key_path(runtime.settings).read_text()
    body = "".join(line for line in private_pem.splitlines() if "-----" not in line)
    scenario.secrets["audit signing private key"] = body.encode()
    return scenario


def archive_files(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


def leaks(archive: bytes, secrets: dict[str, bytes]) -> list[str]:
    """``"<secret> in <file>"`` for every planted secret found in any file of the archive."""
    return [f"{name} in {path}" for path, content in archive_files(archive).items()
            for name, secret in secrets.items() if secret and secret in content]
