"""Data-subject requests filed by staff: deadlines and extensions, export of everything the map lists,
erasure that reaches every copy and ends with a certificate verifiable offline."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.access.principal import Principal
from engium.privacy.data_map import customer_stores
from engium.privacy.requests import record_overdue
from engium.privacy.subject_links import LINKS, SPECIAL
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key

REQUESTS = "/api/v1/privacy/requests"


def _contact(client: TestClient, tenant: TenantHandle, **fields: str) -> str:
    body = {"name": "Grace Subject", "email": f"grace-{uuid.uuid4().hex[:8]}@example.com", **fields}
    response = client.post("/api/v1/contacts", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _file(client: TestClient, tenant: TenantHandle, contact_id: str, kind: str, **more: str) -> dict[str, object]:
    response = client.post(REQUESTS, json={"kind": kind, "contact_id": contact_id, **more}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


def _days(body: dict[str, object], start: str, end: str) -> float:
    delta = datetime.fromisoformat(str(body[end])) - datetime.fromisoformat(str(body[start]))
    return delta / timedelta(days=1)


def test_every_customer_store_of_the_map_is_reached_by_export_and_erasure() -> None:
    tables = {s.table for s in customer_stores()}
    assert tables - set(LINKS) - SPECIAL == set()
    assert set(LINKS) - tables == set()


def test_requests_run_on_the_regimes_clock_and_extend_once(client: TestClient, runtime: Runtime,
                                                          tenant: TenantHandle) -> None:
    contact = _contact(client, tenant)
    gdpr = _file(client, tenant, contact, "access")
    assert gdpr["status"] == "open"
    assert _days(gdpr, "received_at", "due_at") == 30
    assert gdpr["days_left"] == 29
    assert gdpr["overdue"] is False
    ccpa = _file(client, tenant, contact, "erasure", regime="ccpa")
    assert _days(ccpa, "received_at", "due_at") == 45
    opt_out = _file(client, tenant, contact, "opt_out", regime="ccpa")
    assert _days(opt_out, "received_at", "due_at") == 21

    extended = client.post(f"{REQUESTS}/{gdpr['id']}/extend", json={"reason": "many systems to search"},
                           headers=tenant.headers)
    assert extended.status_code == 200, extended.text
    assert _days(extended.json(), "due_at", "extended_until") == 60
    assert extended.json()["deadline"] == extended.json()["extended_until"]
    again = client.post(f"{REQUESTS}/{gdpr['id']}/extend", json={"reason": "again"}, headers=tenant.headers)
    assert again.status_code == 409
    assert "one extension" in again.json()["error"]["message"]
    assert client.post(f"{REQUESTS}/{opt_out['id']}/extend", json={"reason": "x"},
                       headers=tenant.headers).status_code == 409

    listed = client.get(REQUESTS, headers=tenant.headers).json()["items"]
    assert [r["id"] for r in listed][:1] == [opt_out["id"]]  # the nearest deadline first
    actions = [e["action"] for e in audit_events(runtime, tenant)]
    assert actions.count("privacy.request_received") == 3
    assert "privacy.request_extended" in actions
    # The reason staff typed stays in the request, not in the append-only log.
    assert "many systems" not in str(audit_events(runtime, tenant))


def test_bad_input_is_a_clear_4xx(client: TestClient, tenant: TenantHandle) -> None:
    contact = _contact(client, tenant)
    for body in ({"kind": "forget_me", "contact_id": contact}, {"kind": "access"},
                 {"kind": "access", "contact_id": "not-a-uuid"}, {"kind": "access", "contact_id": contact, "x": 1}):
        assert client.post(REQUESTS, json=body, headers=tenant.headers).status_code == 422, body
    missing = client.post(REQUESTS, json={"kind": "access", "contact_id": "00000000-0000-4000-8000-000000000001"},
                          headers=tenant.headers)
    assert missing.status_code == 404
    # A malformed id names nothing (ADR 0020): 404, and a POST to a malformed id's action is not mistaken
    # for another route (``/requests/./extend`` reaches the server as ``/requests/extend``).
    assert client.get(f"{REQUESTS}/nope", headers=tenant.headers).status_code == 404
    for action in ("extend", "refuse", "export", "erase", "opt-out", "rectify"):
        assert client.post(f"{REQUESTS}/{action}", json={"reason": "x"}, headers=tenant.headers).status_code == 404
    request = _file(client, tenant, contact, "access")
    assert client.post(f"{REQUESTS}/{request['id']}/extend", json={"reason": ""},
                       headers=tenant.headers).status_code == 422
    # An access request is not fulfilled by erasing.
    wrong = client.post(f"{REQUESTS}/{request['id']}/erase", headers=tenant.headers)
    assert wrong.status_code == 409


def test_other_tenants_and_lower_roles(client: TestClient, runtime: Runtime, tenant: TenantHandle,
                                       other_tenant: TenantHandle) -> None:
    contact = _contact(client, tenant)
    request = _file(client, tenant, contact, "erasure")
    url = f"{REQUESTS}/{request['id']}"
    for method, path in (("get", url), ("post", f"{url}/export"), ("post", f"{url}/erase"),
                         ("get", f"{url}/certificate")):
        assert client.request(method, path, headers=other_tenant.headers).status_code == 404, path
    assert client.post(f"{url}/extend", json={"reason": "x"}, headers=other_tenant.headers).status_code == 404
    assert client.get(REQUESTS, headers=other_tenant.headers).json()["items"] == []
    # Another tenant's contact cannot be the subject of this tenant's request.
    foreign = client.post(REQUESTS, json={"kind": "access", "contact_id": contact}, headers=other_tenant.headers)
    assert foreign.status_code == 404
    auditor = bearer(make_api_key(runtime, tenant, Role.AUDITOR))
    agent = bearer(make_api_key(runtime, tenant, Role.AGENT))
    assert client.get(REQUESTS, headers=auditor).status_code == 200
    assert client.post(f"{url}/erase", headers=auditor).status_code == 403
    assert client.post(REQUESTS, json={"kind": "access", "contact_id": contact}, headers=agent).status_code == 403
    assert client.get(REQUESTS, headers=agent).status_code == 403
    assert client.post(f"{url}/export", headers=agent).status_code == 403
    # Still there, untouched.
    assert client.get(f"/api/v1/contacts/{contact}", headers=tenant.headers).status_code == 200


def test_a_missed_deadline_is_recorded_once(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    contact = _contact(client, tenant)
    late = _file(client, tenant, contact, "erasure")
    _file(client, tenant, contact, "access")
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("update privacy_requests set due_at = now() - interval '1 day' where id = :id"),
                        {"id": late["id"]})
    for expected in (1, 0):
        with tenant_transaction(runtime.database, tenant.id) as session:
            assert record_overdue(session, Principal.system(tenant.id, "privacy.request_clocks")) == expected
    overdue = [e for e in audit_events(runtime, tenant) if e["action"] == "privacy.request_overdue"]
    assert [e["resource_id"] for e in overdue] == [late["id"]]
    shown = client.get(f"{REQUESTS}/{late['id']}", headers=tenant.headers).json()
    assert shown["overdue"] is True
