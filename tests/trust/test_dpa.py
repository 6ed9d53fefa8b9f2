"""The DPA is generated from the running system: Annex II's numbers are the database's, Annex III is the
effective register; every version is stored hashed and signed, accepted by the owner, and diffed."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from typing import Any

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import text

from engium.access.permissions import Role
from engium.audit.signing import load_or_create_signing_key, signing_key_path
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.trust.dpa_document import FORMAT
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key
from tests.trust.seeding import TWILIO, enable

DPA = "/api/v1/trust/dpa"


def _generate(client: TestClient, tenant: TenantHandle) -> dict[str, Any]:
    response = client.post(DPA, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _pdf_text(client: TestClient, tenant: TenantHandle, version: int) -> str:
    response = client.get(f"{DPA}/{version}/pdf", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def _annex(pdf: str, title: str, following: str) -> str:
    return pdf.split(title, 1)[1].split(following, 1)[0]


def test_the_pdf_lists_exactly_the_enabled_integrations_and_annex_two_matches_the_database(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    enable(client, tenant)
    enable(client, tenant, {"kind": "widget", "name": "site", "metadata": {}})  # this server: no subprocessor
    version = _generate(client, tenant)["version"]
    pdf = _pdf_text(client, tenant, version)

    annex_three = _annex(pdf, "Annex III: sub-processors", "SHA-256 of the signed document")
    assert re.findall(r"- ([^-]+?) \(tenant\)", annex_three) == ["Twilio Inc."]
    assert "The operator of this Engium deployment (operator)" in annex_three

    with tenant_transaction(runtime.database, tenant.id) as session:
        forced, tables = session.execute(text(
            "select count(*) filter (where relforcerowsecurity), count(*) from pg_class c join pg_namespace n "
            "on n.oid = c.relnamespace where nspname = 'public' and relkind in ('r', 'p') and not relispartition"
        )).one()
        keys = session.execute(text("select version, state from tenant_data_keys order by version")).all()
        mfa = session.execute(text("select mfa_required from tenant_settings")).scalar_one()
    annex_two = _annex(pdf, "Annex II: technical and organisational measures", "Annex III")
    assert f"row-level security forced on {forced} of {tables} tables" in annex_two
    assert forced >= 40
    assert "Tables without it, none of which has a tenant column: alembic_version" in annex_two
    assert f"{len(keys)} data-key version(s)" in annex_two
    for number, state in keys:
        assert f"Data key version {number}: {state}" in annex_two
    assert ("required for every member" if mfa else "not enforced by the business") in annex_two
    assert f"at least every {runtime.settings.audit_seal_interval_seconds:g} seconds" in annex_two
    assert "chain verified when this version was generated: intact" in annex_two

    annex_one = _annex(pdf, "Annex I: parties", "Annex II")
    assert "Retention: " in annex_one
    assert "Personal data: phone numbers" in annex_one


def test_annex_two_follows_the_tenants_state(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("update tenant_settings set mfa_required = true, guard_threshold = 0.7"))
    document = _generate(client, tenant)["document"]
    assert document["measures"]["mfa"]["required_for_all_members"] is True
    assert document["measures"]["guard"]["threshold"] == 0.7
    assert "required for every member of the business" in json.dumps(document)


def test_each_version_is_stored_with_its_hash_and_a_valid_signature(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    generated = _generate(client, tenant)
    with tenant_transaction(runtime.database, tenant.id) as session:
        body, digest = session.execute(text("select document, sha256 from dpa_versions")).one()
    assert hashlib.sha256(body.encode()).hexdigest() == digest == generated["sha256"]
    assert json.loads(body)["format"] == FORMAT
    keys = load_or_create_signing_key(signing_key_path(runtime.settings)).key_ring()
    signature = base64.b64decode(generated["signature"])
    assert keys.document_problem(FORMAT, body, generated["key_id"], signature) is None
    assert keys.document_problem(FORMAT, body.replace("Twilio", "Twi1io") + " ", generated["key_id"],
                                 signature) is not None
    assert [e["details"]["sha256"] for e in audit_events(runtime, tenant)
            if e["action"] == "dpa.generated"] == [digest]


def test_the_owner_accepts_a_version_and_a_regenerated_one_shows_what_changed(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    first = _generate(client, tenant)
    assert first["changes_since_accepted"] == []
    accepted = client.post(f"{DPA}/{first['version']}/accept", headers=tenant.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["accepted_at"] is not None
    assert client.post(f"{DPA}/{first['version']}/accept", headers=tenant.headers).status_code == 409
    assert [e["details"]["version"] for e in audit_events(runtime, tenant) if e["action"] == "dpa.accepted"] == [1]

    enable(client, tenant, {**TWILIO, "kind": "whatsapp", "name": "wa"})
    second = _generate(client, tenant)
    assert second["version"] == first["version"] + 1
    added = [line for line in second["changes_since_accepted"] if line.startswith("+") and "WhatsApp" in line]
    assert added
    assert added[0].startswith("+Meta Platforms Ireland Ltd. (WhatsApp Cloud API) (tenant)")
    listed = client.get(DPA, headers=tenant.headers).json()["items"]
    assert [v["version"] for v in listed] == [second["version"], first["version"]]


def test_who_may_generate_read_and_accept(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    version = _generate(client, tenant)["version"]
    auditor = bearer(make_api_key(runtime, tenant, Role.AUDITOR))
    admin = bearer(make_api_key(runtime, tenant, Role.ADMIN))
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    assert client.post(DPA).status_code == 401
    assert client.get(f"{DPA}/{version}/pdf").status_code == 401
    assert client.get(f"{DPA}/{version}", headers=auditor).status_code == 200
    assert client.post(DPA, headers=auditor).status_code == 403
    assert client.get(DPA, headers=agent).status_code == 403
    assert client.post(f"{DPA}/{version}/accept", headers=admin).status_code == 403
    # Another business sees none of it.
    assert client.get(f"{DPA}/{version}", headers=other_tenant.headers).status_code == 404
    assert client.get(f"{DPA}/{version}/pdf", headers=other_tenant.headers).status_code == 404
    assert client.post(f"{DPA}/{version}/accept", headers=other_tenant.headers).status_code == 404
    for bad in ("0", "-1", "x", "99999999999"):
        assert client.get(f"{DPA}/{bad}", headers=tenant.headers).status_code == 422
