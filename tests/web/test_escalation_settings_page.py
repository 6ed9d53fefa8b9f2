"""The assistant settings page sets the escalation policy, the reply target and the follow-up (ADR 0037)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import TenantHandle
from tests.web.forms import page_token, sign_in
from tests.web.members import owner_of


def _form(token: str, **fields: str) -> dict[str, str]:
    return {"csrf_token": token, "keywords": "refund", "on_low_confidence": "on", "policy": "keep_answering",
            "response_minutes": "120", "follow_up_minutes": "120", **fields}


def test_the_owner_picks_the_policy_and_times_on_the_assistant_page(client: TestClient, tenant: TenantHandle) -> None:
    sign_in(client, owner_of(tenant))
    page = client.get("/settings/assistant")
    assert page.status_code == 200
    assert '<option value="keep_answering" selected>' in page.text  # the default, before anything is saved
    assert 'name="response_minutes"' in page.text
    assert 'value="120"' in page.text

    token = page_token(client, "/settings/assistant")
    saved = client.post("/settings/assistant", data=_form(token, policy="silent_until_handback",
                                                          response_minutes="45", follow_up_minutes="0"),
                        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    rules = client.get("/api/v1/settings").json()["escalation_rules"]
    assert rules == {"keywords": ["refund"], "on_low_confidence": True, "policy": "silent_until_handback",
                     "response_minutes": 45, "follow_up_minutes": 0}
    assert '<option value="silent_until_handback" selected>' in client.get("/settings/assistant").text


def test_times_that_are_not_whole_minutes_in_range_are_refused_with_the_reason(
    client: TestClient, tenant: TenantHandle
) -> None:
    sign_in(client, owner_of(tenant))
    token = page_token(client, "/settings/assistant")
    for fields, reason in (({"response_minutes": "2"}, "Reply target"), ({"response_minutes": "two hours"}, "Reply"),
                           ({"follow_up_minutes": "-5"}, "Follow up after"),
                           ({"follow_up_minutes": "99999"}, "Follow up after")):
        refused = client.post("/settings/assistant", data=_form(token, **fields))
        assert refused.status_code == 422
        assert reason in refused.text
    assert client.get("/api/v1/settings").json()["escalation_rules"] == {}
    # An unknown policy from a forged form is not stored: the default is.
    client.post("/settings/assistant", data=_form(token, policy="shout"), follow_redirects=False)
    assert client.get("/api/v1/settings").json()["escalation_rules"]["policy"] == "keep_answering"


def test_the_conversation_page_says_what_the_assistant_does_while_staff_have_it(
    client: TestClient, tenant: TenantHandle
) -> None:
    contact = client.post("/api/v1/contacts", headers=tenant.headers, json={"name": "Sam", "phone": "+447700900555"})
    assert contact.status_code == 201, contact.text
    created = client.post("/api/v1/conversations", headers=tenant.headers,
                          json={"contact_id": contact.json()["id"], "channel": "sms"})
    assert created.status_code == 201, created.text
    url = f"/api/v1/conversations/{created.json()['id']}"
    assert client.post(f"{url}/escalate", headers=tenant.headers, json={"reason": "Asks for a refund"}).is_success
    sign_in(client, owner_of(tenant))
    page_url = f"/conversations/{created.json()['id']}"
    assert "it answers what it can until someone replies" in client.get(page_url).text
    changed = client.patch("/api/v1/settings", headers=tenant.headers,
                           json={"escalation_rules": {"policy": "silent_until_handback"}})
    assert changed.status_code == 200
    assert "stays silent until you hand the conversation back" in client.get(page_url).text
