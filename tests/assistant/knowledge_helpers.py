"""A knowledge document for the assistant tests, added through the API."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.assistant.helpers import Salon

AFTERCARE = (
    "Looking after coloured hair. Wait at least 48 hours before washing freshly coloured hair, so the colour "
    "can settle. Use a sulphate-free shampoo and rinse with cool water.\n\n"
    "Gift vouchers are not available at the moment."
)


def add_document(client: TestClient, salon: Salon, title: str, content: str) -> str:
    response = client.post("/api/v1/knowledge/documents", headers=salon.tenant.headers,
                           json={"title": title, "source_kind": "text", "content": content})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])
