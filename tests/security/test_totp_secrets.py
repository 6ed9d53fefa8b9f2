"""Finding 11: TOTP secrets were stored in plain text, and a code could be replayed within its window.

Now the secret is sealed under the platform data key in the vault (rotated with
``engium keys rotate --platform``), secrets from before are sealed by ``engium migrate``, and a code
is refused for a time step already used.
"""

from __future__ import annotations

import time

import psycopg
import pyotp
import pytest

from engium.runtime import Runtime
from tests.conftest import OWNER_PASSWORD, TenantHandle, make_tenant
from tests.live_server import LiveServer, run_cli
from tests.security.sign_in import sign_in


def superuser(live: LiveServer) -> psycopg.Connection[tuple[object, ...]]:
    embedded = live.database.embedded
    assert embedded is not None
    return psycopg.connect(embedded.superuser_url.replace("postgresql+psycopg://", "postgresql://", 1))


def enrol(live: LiveServer, tenant: TenantHandle) -> tuple[str, int]:
    """Signs the owner in and enrols TOTP; returns the secret and the time step of the confirming code."""
    with live.client() as browser:
        assert sign_in(browser, tenant.owner_email, OWNER_PASSWORD).status_code == 200
        secret = browser.post("/api/v1/me/mfa/totp").json()["secret"]
        now = time.time()
        confirmed = browser.post("/api/v1/me/mfa/totp/confirm", json={"code": pyotp.TOTP(secret).at(now)})
        assert confirmed.status_code == 204
    return secret, int(now // pyotp.TOTP(secret).interval)


def code_after(secret: str, used_step: int) -> str:
    """A code for the step after ``used_step`` (within the one-step drift the server allows)."""
    return pyotp.TOTP(secret).generate_otp(used_step + 1)


@pytest.fixture
def enrolled(live: LiveServer, live_runtime: Runtime) -> tuple[TenantHandle, str, int]:
    tenant = make_tenant(live_runtime)
    secret, step = enrol(live, tenant)
    return tenant, secret, step


def test_the_secret_is_not_in_the_database_in_clear(live: LiveServer, enrolled: tuple[TenantHandle, str, int]) -> None:
    tenant, secret, _ = enrolled
    with superuser(live) as conn:
        row = conn.execute(
            "select totp_secret, totp_ciphertext, u::text from users u where email = %s", (tenant.owner_email,)
        ).fetchone()
    assert row is not None
    assert row[0] is None
    assert isinstance(row[1], bytes)
    assert row[1].startswith(b"ENG1")
    assert secret.encode() not in row[1]
    assert secret not in str(row[2])


def test_a_code_is_good_once(live: LiveServer, enrolled: tuple[TenantHandle, str, int]) -> None:
    tenant, secret, step = enrolled
    code = code_after(secret, step)
    with live.client() as first, live.client() as replay:
        assert sign_in(first, tenant.owner_email, OWNER_PASSWORD, totp_code=code).status_code == 200
        refused = sign_in(replay, tenant.owner_email, OWNER_PASSWORD, totp_code=code)
        assert refused.status_code == 401
        assert refused.json()["error"]["message"] == "Invalid TOTP code"


def test_the_enrolment_code_cannot_be_replayed_at_sign_in(
    live: LiveServer, enrolled: tuple[TenantHandle, str, int]
) -> None:
    tenant, secret, step = enrolled
    with live.client() as client:
        code = pyotp.TOTP(secret).generate_otp(step)
        assert sign_in(client, tenant.owner_email, OWNER_PASSWORD, totp_code=code).status_code == 401


def test_rotating_the_platform_key_reencrypts_and_sign_in_still_works(
    live: LiveServer, enrolled: tuple[TenantHandle, str, int]
) -> None:
    tenant, secret, step = enrolled
    with superuser(live) as conn:
        before = conn.execute("select totp_ciphertext from users where email = %s", (tenant.owner_email,)).fetchone()
    rotated = run_cli(live.data_dir, "keys", "rotate", "--platform", "--json")
    assert rotated.returncode == 0, rotated.stderr
    with superuser(live) as conn:
        after = conn.execute("select totp_ciphertext from users where email = %s", (tenant.owner_email,)).fetchone()
    assert after is not None
    assert before is not None
    assert after[0] != before[0]
    with live.client() as client:
        ok = sign_in(client, tenant.owner_email, OWNER_PASSWORD, totp_code=code_after(secret, step))
        assert ok.status_code == 200, ok.text


def test_secrets_stored_in_clear_before_the_fix_are_sealed_by_migrate(
    live: LiveServer, live_runtime: Runtime
) -> None:
    tenant = make_tenant(live_runtime)
    secret = pyotp.random_base32()
    with superuser(live) as conn:
        # What an install from before migration 0012 holds.
        conn.execute(
            "update users set totp_secret = %s, totp_ciphertext = null, totp_enabled = true where email = %s",
            (secret, tenant.owner_email),
        )
    migrated = run_cli(live.data_dir, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    with superuser(live) as conn:
        row = conn.execute("select totp_secret, totp_ciphertext from users where email = %s",
                           (tenant.owner_email,)).fetchone()
    assert row is not None
    assert row[0] is None
    assert row[1] is not None
    with live.client() as client:
        assert sign_in(client, tenant.owner_email, OWNER_PASSWORD, totp_code=pyotp.TOTP(secret).now()
                       ).status_code == 200


def test_no_response_carries_the_stored_secret(live: LiveServer, enrolled: tuple[TenantHandle, str, int]) -> None:
    tenant, secret, step = enrolled
    with live.client() as client:
        signed = sign_in(client, tenant.owner_email, OWNER_PASSWORD, totp_code=code_after(secret, step))
        me = client.get("/api/v1/me")
        again = client.post("/api/v1/me/mfa/totp")
    for response in (signed, me, again):
        assert secret not in response.text
    assert again.status_code == 409
