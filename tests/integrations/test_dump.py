"""A full database dump holds ciphertexts only, and the logs of a run hold no secrets either."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from engium.kit.database import Database
from tests.conftest import TenantHandle
from tests.integrations.leaks import assert_absent, new_secret


def pg_dump(database: Database, target: Path) -> bytes:
    embedded = database.embedded
    if embedded is None:
        pytest.skip("needs the embedded PostgreSQL and its pg_dump")
    binary = embedded.bin_dir / "pg_dump"
    url = make_url(embedded.superuser_url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run([str(binary), "--format=plain", "--file", str(target), url], check=True, timeout=120)
    return target.read_bytes()


def test_a_full_dump_contains_no_plaintext_secret(
    client: TestClient,
    database: Database,
    tenant: TenantHandle,
    other_tenant: TenantHandle,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    planted: list[str] = []
    for owner, kind in ((tenant, "twilio"), (tenant, "whatsapp"), (other_tenant, "model_provider")):
        secret = new_secret()
        planted.append(secret)
        created = client.post(
            "/api/v1/integrations",
            json={"kind": kind, "name": "prod", "secret": secret, "metadata": {"base_url": "https://api.example"}},
            headers=owner.headers,
        )
        assert created.status_code == 201
        rotated = new_secret()
        planted.append(rotated)
        response = client.post(
            f"/api/v1/integrations/{created.json()['id']}/rotate", json={"secret": rotated}, headers=owner.headers
        )
        assert response.status_code == 200
    dump = pg_dump(database, tmp_path / "engium.sql")
    assert b"integration_credentials" in dump
    assert b"https://api.example" in dump  # the dump really holds the credential rows
    for secret in planted:
        assert_absent(secret, dump, "pg_dump")
        # The hex form is how bytea appears in a plain dump.
        assert_absent(secret.encode().hex(), dump, "pg_dump (hex)")
        assert_absent(secret, caplog.text, "the logs")
