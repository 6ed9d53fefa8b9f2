"""What /api/v1/openapi.json promises, the server keeps: the errors every operation documents, strict
request fields, and a 405 that names the resource's methods (ADR 0020). tests/api_contract fuzzes the
whole document against a real server; these are the same promises, one at a time, in process."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import TenantHandle

API = "/api/v1"
ERROR_STATUSES = ("400", "401", "403", "404", "409", "413", "422", "429")


def document(client: TestClient) -> dict[str, Any]:
    answer = client.get(f"{API}/openapi.json")
    assert answer.status_code == 200
    return dict(answer.json())


def test_every_operation_documents_every_error_with_the_one_error_body(client: TestClient) -> None:
    served = document(client)
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    for path, item in served["paths"].items():
        for method, operation in item.items():
            for status in ERROR_STATUSES:
                response = operation["responses"][status]
                if "$ref" in response:
                    response = served["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                assert response["content"]["application/json"]["schema"] == error_body, (method, path, status)
    assert "HTTPValidationError" not in served["components"]["schemas"]
    assert set(served["components"]["schemas"]["ErrorBody"]["properties"]) == {"error"}


def test_operations_that_need_credentials_say_so_and_public_ones_do_not(client: TestClient) -> None:
    paths = document(client)["paths"]
    assert paths["/api/v1/contacts"]["get"]["security"] == [{"ApiKey": []}, {"Session": []}]
    assert "security" not in paths["/api/v1/auth/login"]["post"]
    assert "security" not in paths["/widget/v1/config"]["get"]


def test_a_405_names_every_method_of_the_resource(client: TestClient, tenant: TenantHandle) -> None:
    contact = f"{API}/contacts/00000000-0000-4000-8000-000000000000"
    refused = client.put(contact, json={}, headers=tenant.headers)
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, PATCH, DELETE"
    assert refused.json()["error"]["code"] == "method_not_allowed"
    assert client.delete(f"{API}/services", headers=tenant.headers).headers["allow"] == "GET, POST"
    # What Allow names is what the server serves: HEAD is not among them, and is refused the same way.
    head = client.head(contact, headers=tenant.headers)
    assert head.status_code == 405
    assert head.headers["allow"] == "GET, PATCH, DELETE"


def test_request_fields_take_no_coerced_values(client: TestClient, tenant: TenantHandle) -> None:
    created = client.post(f"{API}/services", json={"name": "Cut", "duration_minutes": 30}, headers=tenant.headers)
    assert created.status_code == 201, created.text
    service = f"{API}/services/{created.json()['id']}"
    for bad in ({"active": 0}, {"active": "false"}, {"duration_minutes": "30"}, {"currency": "AAA"},
                {"duration_minutes": 4}, {"name": None}):
        assert client.patch(service, json=bad, headers=tenant.headers).status_code == 422, bad
    assert client.patch(service, json={"currency": "EUR", "active": False}, headers=tenant.headers).status_code == 200


def test_dates_and_times_are_read_and_written_as_declared(client: TestClient, tenant: TenantHandle) -> None:
    staff = client.post(f"{API}/staff", json={"name": "Kim"}, headers=tenant.headers).json()["id"]
    exceptions = f"{API}/staff/{staff}/availability-exceptions"
    assert client.get(exceptions, params={"to": "0"}, headers=tenant.headers).status_code == 422
    opening = {"on_date": "2030-05-06", "kind": "open", "start_time": "09:00", "end_time": "12:30"}
    added = client.post(exceptions, json=opening, headers=tenant.headers)
    assert added.status_code == 201, added.text
    declared = document(client)["components"]["schemas"]["ExceptionOut"]["properties"]["start_time"]["anyOf"][0]
    assert "format" not in declared
    assert re.fullmatch(declared["pattern"], added.json()["start_time"])
    naive = client.get(f"{API}/audit-events", params={"since": "2030-01-01T00:00:00"}, headers=tenant.headers)
    assert naive.status_code == 422


def test_a_cursor_of_the_declared_shape_is_a_position(client: TestClient, tenant: TenantHandle) -> None:
    for path in ("/audit-events", "/contacts"):
        parameters = document(client)["paths"][API + path]["get"]["parameters"]
        pattern = next(p for p in parameters if p["name"] == "cursor")["schema"]["anyOf"][0]["pattern"]
        valid = "1" if path == "/audit-events" else "1767225600000000." + "0" * 32
        assert re.fullmatch(pattern, valid)
        assert client.get(API + path, params={"cursor": valid}, headers=tenant.headers).status_code == 200
        refused = client.get(API + path, params={"cursor": "garbage"}, headers=tenant.headers)
        assert refused.status_code == 400
        assert refused.json()["error"]["message"] == "Invalid cursor"


def test_text_never_holds_a_nul_character(client: TestClient, tenant: TenantHandle) -> None:
    declared = document(client)["components"]["schemas"]["ContactCreate"]["properties"]["name"]["pattern"]
    assert not re.fullmatch(declared, "Kim\x00")
    contact = client.post(f"{API}/contacts", json={"name": "Kim\x00", "phone": "+441234567890"},
                          headers=tenant.headers)
    assert contact.status_code == 422
    search = client.post(f"{API}/knowledge/search", json={"query": "opening\x00hours"}, headers=tenant.headers)
    assert search.status_code == 422
