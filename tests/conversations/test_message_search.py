"""Full-text search over message text: the bound business's messages only, words as words (never syntax),
newest first in pages, a marked snippet, filters, and nothing searchable once a text is erased or rewritten."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium.access.permissions import Role
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.conftest import TenantHandle, audit_events, bearer, make_api_key

SEARCH = "/api/v1/messages/search"


def conversation_with(client: TestClient, tenant: TenantHandle, first: str, *, channel: str = "sms",
                      name: str = "Rosa Díaz") -> dict[str, Any]:
    contact = client.post("/api/v1/contacts", json={"name": name, "email": f"{uuid.uuid4().hex[:10]}@example.com"},
                          headers=tenant.headers).json()
    made = client.post("/api/v1/conversations", json={"contact_id": contact["id"], "channel": channel,
                                                       "message": first}, headers=tenant.headers)
    assert made.status_code == 201, made.text
    conversation: dict[str, Any] = made.json()
    return conversation


def reply(client: TestClient, tenant: TenantHandle, conversation: dict[str, Any], body: str) -> None:
    posted = client.post(f"/api/v1/conversations/{conversation['id']}/messages", json={"body": body},
                         headers=tenant.headers)
    assert posted.status_code == 201, posted.text


def search(client: TestClient, tenant: TenantHandle, **params: Any) -> dict[str, Any]:
    response = client.get(SEARCH, params=params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def test_a_word_finds_the_message_with_its_conversation_contact_and_a_marked_snippet(
    client: TestClient, tenant: TenantHandle
) -> None:
    conversation = conversation_with(client, tenant, "Do you do kids haircuts cheaper on Saturdays?")
    reply(client, tenant, conversation, "Yes: under-12s get 20% off every day.")
    found = search(client, tenant, q="Haircuts")
    assert len(found["items"]) == 1
    hit = found["items"][0]
    assert hit["message"]["body"] == "Do you do kids haircuts cheaper on Saturdays?"
    assert hit["message"]["direction"] == "inbound"
    assert hit["conversation"]["id"] == conversation["id"]
    assert hit["conversation"]["channel"] == "sms"
    assert hit["contact"] == {"id": conversation["contact_id"], "name": "Rosa Díaz"}
    assert [part["text"] for part in hit["snippet"] if part["match"]] == ["haircuts"]
    assert "".join(part["text"] for part in hit["snippet"]) in hit["message"]["body"]
    assert found["next_cursor"] is None


def test_words_in_any_language_match_as_written(client: TestClient, tenant: TenantHandle) -> None:
    conversation_with(client, tenant, "¿Tienen corte de pelo para niños el sábado?")
    conversation_with(client, tenant, "Kann ich am Donnerstag einen Termin für Strähnchen haben?")
    assert len(search(client, tenant, q="niños")["items"]) == 1
    assert len(search(client, tenant, q="STRÄHNCHEN")["items"]) == 1
    # 'simple': no stemming in one language that would wrongly fold words of another; no stop words.
    assert len(search(client, tenant, q="el")["items"]) == 1


def test_phrases_or_and_exclusion_work_as_in_a_web_search(client: TestClient, tenant: TenantHandle) -> None:
    conversation_with(client, tenant, "blue dye please")
    conversation_with(client, tenant, "please dye it blue")
    assert len(search(client, tenant, q='"blue dye"')["items"]) == 1
    assert len(search(client, tenant, q="blue -please")["items"]) == 0
    assert len(search(client, tenant, q="dye or nothing")["items"]) == 2


@pytest.mark.parametrize("q", [
    "' OR 1=1 --", "'; drop table messages; --", "a & (b | !c:*", "!!!", "<->", ":*", "\\", "%", "_",
    "' or ''='", "1) or (1=1", "\"unclosed", "a:A", "x" * 200, "ünïcödé 😀", "$$", "null",
])
def test_query_syntax_and_injection_attempts_are_only_words(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle, q: str
) -> None:
    conversation_with(client, other_tenant, "The other business's secret 1=1 note")
    conversation_with(client, tenant, "An ordinary question")
    response = client.get(SEARCH, params={"q": q}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    assert "secret" not in response.text
    assert all(hit["message"]["body"] != "An ordinary question" or "ordinary" in q
               for hit in response.json()["items"])


@pytest.mark.parametrize(("params", "field"), [
    ({"q": ""}, "q"), ({"q": "   "}, "q"), ({"q": "a\u0000b"}, "q"), ({"q": "x" * 201}, "q"), ({}, "q"),
    ({"q": "a", "channel": "fax"}, "channel"), ({"q": "a", "from": "yesterday"}, "from"),
    ({"q": "a", "from": "2030-01-02T00:00:00Z", "to": "2030-01-01T00:00:00Z"}, "from"),
    ({"q": "a", "limit": "0"}, "limit"), ({"q": "a", "limit": "201"}, "limit"),
])
def test_bad_parameters_are_refused_with_422_naming_the_field(
    client: TestClient, tenant: TenantHandle, params: dict[str, str], field: str
) -> None:
    response = client.get(SEARCH, params=params, headers=tenant.headers)
    assert response.status_code == 422, response.text
    assert field in response.text


def test_a_cursor_the_server_did_not_issue_is_400(client: TestClient, tenant: TenantHandle) -> None:
    response = client.get(SEARCH, params={"q": "a", "cursor": "' OR 1=1"}, headers=tenant.headers)
    assert response.status_code == 400


def test_results_come_newest_first_in_pages(client: TestClient, tenant: TenantHandle) -> None:
    conversation = conversation_with(client, tenant, "balayage question 0")
    for n in range(1, 5):
        reply(client, tenant, conversation, f"balayage answer {n}")
    first = search(client, tenant, q="balayage", limit=3)
    second = search(client, tenant, q="balayage", limit=3, cursor=first["next_cursor"])
    bodies = [hit["message"]["body"] for hit in first["items"] + second["items"]]
    assert bodies == ["balayage answer 4", "balayage answer 3", "balayage answer 2", "balayage answer 1",
                      "balayage question 0"]
    assert second["next_cursor"] is None


def test_channel_and_time_filters(client: TestClient, tenant: TenantHandle) -> None:
    conversation_with(client, tenant, "perm booking by text", channel="sms")
    conversation_with(client, tenant, "perm booking on the site", channel="web")
    assert [h["conversation"]["channel"] for h in search(client, tenant, q="perm", channel="web")["items"]] == ["web"]
    assert search(client, tenant, q="perm", to="2000-01-01T00:00:00Z")["items"] == []
    assert len(search(client, tenant, q="perm", **{"from": "2000-01-01T00:00:00Z"})["items"]) == 2


def test_another_business_never_finds_these_messages(
    client: TestClient, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    conversation_with(client, tenant, "mauve highlights for the wedding")
    assert search(client, other_tenant, q="mauve")["items"] == []
    assert len(search(client, tenant, q="mauve")["items"]) == 1


def test_a_search_is_logged_as_an_access_without_the_words(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    conversation_with(client, tenant, "turquoise tips")
    search(client, tenant, q="turquoise", channel="sms")
    logged = [e for e in audit_events(runtime, tenant) if e["action"] == "message.searched"]
    assert len(logged) == 1
    assert logged[0]["details"] == {"results": 1, "channel": "sms", "page": False}
    assert "turquoise" not in str(logged)


def test_an_erased_customer_s_messages_are_no_longer_found(
    client: TestClient, tenant: TenantHandle
) -> None:
    conversation = conversation_with(client, tenant, "my allergy to ammonia dyes")
    assert len(search(client, tenant, q="ammonia")["items"]) == 1
    requests = "/api/v1/privacy/requests"
    erasure = client.post(requests, json={"kind": "erasure", "contact_id": conversation["contact_id"]},
                          headers=tenant.headers).json()
    assert client.post(f"{requests}/{erasure['id']}/erase", headers=tenant.headers).status_code == 200
    assert search(client, tenant, q="ammonia")["items"] == []


def test_a_rewritten_text_is_found_by_its_new_words_only(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    conversation_with(client, tenant, "call me on 07700900123 about the cinnamon rinse")
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("update messages set body = replace(body, '07700900123', '[redacted]')"))
    assert search(client, tenant, q="07700900123")["items"] == []
    assert len(search(client, tenant, q="cinnamon")["items"]) == 1


@pytest.mark.parametrize("role", [Role.ADMIN, Role.AGENT, Role.AUDITOR])
def test_every_role_that_reads_conversations_may_search(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, role: Role
) -> None:
    conversation_with(client, tenant, "saffron gloss")
    response = client.get(SEARCH, params={"q": "saffron"}, headers=bearer(make_api_key(runtime, tenant, role)))
    assert response.status_code == 200
    assert len(response.json()["items"]) == 1


def test_without_credentials_it_is_401(client: TestClient) -> None:
    assert client.get(SEARCH, params={"q": "a"}).status_code == 401
