"""The knowledge API as a business uses it: add, list, read, re-ingest, delete, search; and its refusals."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.knowledge import service
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key
from tests.knowledge.sample_files import minimal_pdf

DOCUMENTS = "/api/v1/knowledge/documents"
SEARCH = "/api/v1/knowledge/search"
PRICES = "Haircuts cost 30 euros. A beard trim costs 15 euros. Colouring starts at 60 euros."


def chunks_of(runtime: Runtime, tenant: TenantHandle, document_id: str) -> list[tuple[Any, ...]]:
    with tenant_transaction(runtime.database, tenant.id) as session:
        rows = session.execute(
            text(
                "select id, ordinal, content, start_offset, end_offset from knowledge_chunks "
                "where tenant_id = :t and document_id = :d order by ordinal"
            ),
            {"t": tenant.id, "d": document_id},
        ).all()
    return [tuple(row) for row in rows]


def create(client: TestClient, tenant: TenantHandle, title: str, content: str, kind: str = "text") -> dict[str, Any]:
    response = client.post(
        DOCUMENTS, json={"title": title, "source_kind": kind, "content": content}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_document_is_added_listed_read_reingested_and_deleted(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    created = create(client, tenant, "Prices", PRICES)
    assert created["title"] == "Prices"
    assert created["source_kind"] == "text"
    assert created["chunk_count"] == 1
    assert created["embedding_model"] == runtime.embedder.model
    assert created["source_bytes"] == len(PRICES)
    document_id = created["id"]
    [(first_chunk, _, content, start, end)] = chunks_of(runtime, tenant, document_id)
    assert (content, start, end) == (PRICES, 0, len(PRICES))

    listed = client.get(DOCUMENTS, headers=tenant.headers).json()
    assert [d["id"] for d in listed["items"]] == [document_id]
    assert "content" not in listed["items"][0]
    detail = client.get(f"{DOCUMENTS}/{document_id}", headers=tenant.headers).json()
    assert detail["content"] == PRICES

    # The same text again: a no-op that keeps the chunk (and its vector) untouched.
    same = client.put(
        f"{DOCUMENTS}/{document_id}", json={"title": "Prices", "source_kind": "text", "content": PRICES},
        headers=tenant.headers,
    )
    assert same.status_code == 200, same.text
    assert same.json()["updated_at"] == created["updated_at"]
    assert chunks_of(runtime, tenant, document_id)[0][0] == first_chunk

    # Changed text: every chunk is replaced.
    longer = "Opening hours.\n\n" + " ".join(f"On day {i} we open at nine and close at six." for i in range(40))
    replaced = client.put(
        f"{DOCUMENTS}/{document_id}", json={"title": "Hours", "source_kind": "text", "content": longer},
        headers=tenant.headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["title"] == "Hours"
    new_chunks = chunks_of(runtime, tenant, document_id)
    assert len(new_chunks) == replaced.json()["chunk_count"] > 1
    assert first_chunk not in {c[0] for c in new_chunks}
    assert [c[1] for c in new_chunks] == list(range(len(new_chunks)))
    assert all(longer[start:end] == content for _, _, content, start, end in new_chunks)

    assert client.delete(f"{DOCUMENTS}/{document_id}", headers=tenant.headers).status_code == 204
    assert client.get(f"{DOCUMENTS}/{document_id}", headers=tenant.headers).status_code == 404
    assert chunks_of(runtime, tenant, document_id) == []
    assert client.delete(f"{DOCUMENTS}/{document_id}", headers=tenant.headers).status_code == 404

    events = [e for e in audit_events(runtime, tenant) if e["action"].startswith("knowledge.")]
    assert [e["action"] for e in events] == [
        "knowledge.document_added", "knowledge.document_replaced", "knowledge.document_deleted"
    ]
    assert {e["resource_id"] for e in events} == {document_id}
    assert events[0]["details"] == {"source_kind": "text", "source_bytes": len(PRICES), "characters": len(PRICES),
                                    "chunks": 1}
    assert events[1]["details"]["reembedded"] is True
    assert all(e["ip"] == "203.0.113.7" and e["outcome"] == "success" for e in events)
    # The audit log holds sizes and counts, never the text or the title.
    assert not any(word in json.dumps(e["details"]) for e in events for word in ("Haircut", "Prices", "Hours"))


def test_a_new_title_for_unchanged_text_keeps_the_chunks(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    created = create(client, tenant, "Prices", PRICES)
    before = chunks_of(runtime, tenant, created["id"])
    renamed = client.put(
        f"{DOCUMENTS}/{created['id']}", json={"title": "Price list", "source_kind": "text", "content": PRICES},
        headers=tenant.headers,
    )
    assert renamed.json()["title"] == "Price list"
    assert chunks_of(runtime, tenant, created["id"]) == before
    replaced = [e for e in audit_events(runtime, tenant) if e["action"] == "knowledge.document_replaced"]
    assert replaced[0]["details"]["reembedded"] is False


def test_uploads_of_every_kind(client: TestClient, runtime: Runtime, tenant: TenantHandle) -> None:
    pdf = minimal_pdf([["Cancellation policy:", "Cancel up to 24 hours before for free."]])
    uploaded = client.post(
        f"{DOCUMENTS}/upload", files={"file": ("policy.pdf", pdf, "application/pdf")}, headers=tenant.headers
    )
    assert uploaded.status_code == 201, uploaded.text
    body = uploaded.json()
    assert (body["title"], body["source_kind"], body["source_filename"], body["source_bytes"]) == (
        "policy", "pdf", "policy.pdf", len(pdf)
    )
    detail = client.get(f"{DOCUMENTS}/{body['id']}", headers=tenant.headers).json()
    assert detail["content"] == "Cancellation policy:\nCancel up to 24 hours before for free."

    faq = json.dumps([{"question": "Do you take cards?", "answer": "Yes, all cards."},
                      {"question": "Is there parking?", "answer": "Free, behind the salon."}])
    uploaded = client.post(
        f"{DOCUMENTS}/upload", files={"file": ("faq.json", faq.encode(), "application/octet-stream")},
        data={"title": "Frequent questions"}, headers=tenant.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    assert (uploaded.json()["source_kind"], uploaded.json()["chunk_count"]) == ("faq", 2)
    assert [c[2] for c in chunks_of(runtime, tenant, uploaded.json()["id"])] == [
        "Q: Do you take cards?\nA: Yes, all cards.", "Q: Is there parking?\nA: Free, behind the salon."
    ]

    markdown = b"# Team\n\nAnna does **colour**; Ben does cuts."
    uploaded = client.post(
        f"{DOCUMENTS}/upload", files={"file": ("team.md", markdown, "text/plain")}, headers=tenant.headers
    )
    assert uploaded.status_code == 201, uploaded.text
    team_id = uploaded.json()["id"]
    assert client.get(f"{DOCUMENTS}/{team_id}", headers=tenant.headers).json()["content"] == (
        "Team\n\nAnna does colour; Ben does cuts."
    )

    # Re-ingest from a new upload (an explicit kind wins over the extension); the title stays.
    reuploaded = client.put(
        f"{DOCUMENTS}/{team_id}/upload", files={"file": ("team.txt", b"# Team\nAnna and Ben.", "text/plain")},
        data={"source_kind": "markdown"}, headers=tenant.headers,
    )
    assert reuploaded.status_code == 200, reuploaded.text
    assert (reuploaded.json()["title"], reuploaded.json()["source_kind"]) == ("team", "markdown")
    assert chunks_of(runtime, tenant, team_id)[0][2] == "Team\n\nAnna and Ben."


@pytest.mark.parametrize(
    ("filename", "data", "content_type", "status", "message"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0", "image/jpeg", 415, "unsupported file type"),
        ("big.txt", b"a" * (service.MAX_UPLOAD_BYTES + 1), "text/plain", 413, "limited to 5 MB"),
        ("fake.pdf", b"not a pdf at all", "application/pdf", 422, "not a PDF"),
        ("broken.pdf", b"%PDF-1.7\n%broken", "application/pdf", 422, "could not be read"),
        ("blank.txt", b" \n\t\n", "text/plain", 422, "no text"),
        ("binary.txt", b"\x00\x01\x02", "text/plain", 422, "not text"),
        ("faq.json", b'{"oops": 1}', "application/json", 422, "list of"),
    ],
)
def test_uploads_that_cannot_be_ingested_are_refused_with_a_reason(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, filename: str, data: bytes, content_type: str,
    status: int, message: str,
) -> None:
    response = client.post(
        f"{DOCUMENTS}/upload", files={"file": (filename, data, content_type)}, headers=tenant.headers
    )
    assert response.status_code == status, response.text
    assert message in response.json()["error"]["message"]
    assert client.get(DOCUMENTS, headers=tenant.headers).json()["items"] == []


def test_pasted_documents_are_validated(client: TestClient, tenant: TenantHandle) -> None:
    def post(body: dict[str, Any]) -> tuple[int, str]:
        response = client.post(DOCUMENTS, json=body, headers=tenant.headers)
        return response.status_code, response.text

    assert post({"title": "x", "source_kind": "pdf", "content": "%PDF-1.4"})[0] == 422  # PDFs are uploaded
    assert post({"title": "x", "source_kind": "exe", "content": "x"})[0] == 422
    assert post({"title": "", "source_kind": "text", "content": "x"})[0] == 422
    assert post({"title": "x", "source_kind": "text", "content": ""})[0] == 422
    status, body = post({"title": "\u200b\u200b", "source_kind": "text", "content": "Parking is free."})
    assert (status, "title must contain visible text" in body) == (422, True)
    status, body = post({"title": "Huge", "source_kind": "text", "content": "word " * 80_001})
    assert (status, "the limit is 400000" in body) == (422, True)
    status, body = post({"title": "FAQ", "source_kind": "faq", "content": "no questions here"})
    assert (status, "before the first 'Q:' line" in body) == (422, True)
    assert client.get(DOCUMENTS, headers=tenant.headers).json()["items"] == []


def test_control_characters_are_dropped_and_lone_surrogates_refused(client: TestClient, tenant: TenantHandle) -> None:
    json_headers = {**tenant.headers, "Content-Type": "application/json"}
    raw = '{"title": "Hours\\u0000\\u200b", "source_kind": "text", "content": "We open\\u202e at nine.\\u0007"}'
    created = client.post(DOCUMENTS, content=raw, headers=json_headers)
    assert created.status_code == 201, created.text
    assert created.json()["title"] == "Hours"
    detail = client.get(f"{DOCUMENTS}/{created.json()['id']}", headers=tenant.headers).json()
    assert detail["content"] == "We open at nine."
    # Unpaired surrogates cannot be UTF-8: a 422 naming the field, not a 500.
    bad = client.post(DOCUMENTS, content=raw.replace("\\u0007", "\\ud800"), headers=json_headers)
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["loc"] == ["body", "content"]
    search = client.post(SEARCH, content='{"query": "open\\ud800 nine"}', headers=json_headers)
    assert search.status_code == 422


def test_the_same_text_twice_is_a_conflict_naming_the_existing_document(
    client: TestClient, tenant: TenantHandle
) -> None:
    first = create(client, tenant, "Prices", PRICES)
    again = client.post(
        DOCUMENTS, json={"title": "Prices copy", "source_kind": "markdown", "content": f"  {PRICES}\n"},
        headers=tenant.headers,
    )
    assert again.status_code == 409, again.text
    assert again.json()["error"]["details"] == {"document_id": first["id"]}
    other = create(client, tenant, "Hours", "We open at nine.")
    clash = client.put(
        f"{DOCUMENTS}/{other['id']}", json={"title": "Hours", "source_kind": "text", "content": PRICES},
        headers=tenant.headers,
    )
    assert clash.status_code == 409


def test_documents_are_listed_newest_first_in_pages(client: TestClient, tenant: TenantHandle) -> None:
    ids = [create(client, tenant, f"Doc {i}", f"Fact number {i} about the salon.")["id"] for i in range(3)]
    first = client.get(DOCUMENTS, params={"limit": 2}, headers=tenant.headers).json()
    assert [d["id"] for d in first["items"]] == ids[::-1][:2]
    second = client.get(DOCUMENTS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=tenant.headers)
    assert [d["id"] for d in second.json()["items"]] == [ids[0]]
    assert second.json()["next_cursor"] is None
    assert client.get(DOCUMENTS, params={"cursor": "garbage!"}, headers=tenant.headers).status_code == 400


def test_search_returns_citations_that_quote_the_document(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    prices = create(client, tenant, "Prices", PRICES)
    create(client, tenant, "Parking", "Parking is free in the courtyard behind the salon.")
    response = client.post(SEARCH, json={"query": "How much is a beard trim?", "k": 2}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    citations = response.json()["citations"]
    assert len(citations) == 2
    top = citations[0]
    assert (top["document_id"], top["document_title"], top["matched_by"]) == (prices["id"], "Prices", "both")
    content = client.get(f"{DOCUMENTS}/{prices['id']}", headers=tenant.headers).json()["content"]
    assert content[top["start_offset"]:top["end_offset"]] == top["content"]
    assert citations[0]["score"] > citations[1]["score"]
    searched = [e for e in audit_events(runtime, tenant) if e["action"] == "knowledge.searched"]
    assert searched[-1]["details"] == {"k": 2, "results": 2, "documents": 2}
    assert "beard" not in json.dumps(searched[-1]["details"])

    assert client.post(SEARCH, json={"query": "", "k": 2}, headers=tenant.headers).status_code == 422
    assert client.post(SEARCH, json={"query": "x", "k": 51}, headers=tenant.headers).status_code == 422
    assert client.post(SEARCH, json={"query": "   ", "k": 3}, headers=tenant.headers).json() == {"citations": []}


def test_agents_and_auditors_read_and_search_but_only_owners_and_admins_write(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    document = create(client, tenant, "Prices", PRICES)
    for role in (Role.AGENT, Role.AUDITOR):
        headers = bearer(make_api_key(runtime, tenant, role))
        assert client.get(DOCUMENTS, headers=headers).status_code == 200
        assert client.get(f"{DOCUMENTS}/{document['id']}", headers=headers).status_code == 200
        assert client.post(SEARCH, json={"query": "beard"}, headers=headers).status_code == 200
        body = {"title": "x", "source_kind": "text", "content": "Something new."}
        assert client.post(DOCUMENTS, json=body, headers=headers).status_code == 403
        assert client.put(f"{DOCUMENTS}/{document['id']}", json=body, headers=headers).status_code == 403
        assert client.delete(f"{DOCUMENTS}/{document['id']}", headers=headers).status_code == 403
    admin = bearer(make_api_key(runtime, tenant, Role.ADMIN))
    assert client.delete(f"{DOCUMENTS}/{document['id']}", headers=admin).status_code == 204


def test_another_tenants_documents_are_not_found(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    theirs = create(client, other_tenant, "Secret prices", "Members pay 10 euros for a haircut.")
    body = {"title": "x", "source_kind": "text", "content": "Overwritten."}
    assert client.get(f"{DOCUMENTS}/{theirs['id']}", headers=tenant.headers).status_code == 404
    assert client.put(f"{DOCUMENTS}/{theirs['id']}", json=body, headers=tenant.headers).status_code == 404
    upload = {"file": ("x.txt", b"Overwritten.", "text/plain")}
    assert client.put(f"{DOCUMENTS}/{theirs['id']}/upload", files=upload, headers=tenant.headers).status_code == 404
    assert client.delete(f"{DOCUMENTS}/{theirs['id']}", headers=tenant.headers).status_code == 404
    assert client.get(DOCUMENTS, headers=tenant.headers).json()["items"] == []
    assert client.post(SEARCH, json={"query": "members haircut"}, headers=tenant.headers).json() == {"citations": []}
    assert client.get(f"{DOCUMENTS}/{uuid.uuid4()}", headers=tenant.headers).status_code == 404
    assert client.get(f"{DOCUMENTS}/{theirs['id']}", headers=other_tenant.headers).json()["title"] == "Secret prices"
