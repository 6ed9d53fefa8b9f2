from fastapi.testclient import TestClient

from tests.conftest import TenantHandle


def test_owner_key_reads_its_tenant(client: TestClient, tenant: TenantHandle) -> None:
    response = client.get("/api/v1/tenant", headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == str(tenant.id)
    me = client.get("/api/v1/me", headers=tenant.headers).json()
    assert me["role"] == "owner"
