"""The demo's complaint, in the browser: "the SMS reply failed for lack of a credential, but the transcript
shows it as sent". The demo salon has no Twilio credential, so the assistant's SMS reply to the seeded
customer cannot leave; staff must see that, with a reason they can act on, in the API and the transcript."""

from __future__ import annotations

import json
import time
from typing import Any
from uuid import UUID

import pytest

from engium.access.permissions import Role
from engium.identity import api_keys
from engium.runtime import Runtime
from engium.tenancy.binding import bind_tenant
from tests.live_server import LiveServer
from tests.web.conftest import screenshot, sign_in
from tests.web.members import Credentials

pytestmark = pytest.mark.browser

NO_CREDENTIAL = "no Twilio (SMS) credential is set up for this business"
WAIT_SECONDS = 60.0


def _owner_key(runtime: Runtime, tenant_id: UUID) -> str:
    with runtime.database.transaction() as session:
        bind_tenant(session, tenant_id)
        _, key = api_keys.create_api_key(session, None, tenant_id=tenant_id, name="delivery", role=Role.OWNER)
    return key


def _failed_reply(api: Any, headers: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """The seeded SMS conversation and the assistant's reply in it, once the sender has settled it."""
    [sms] = [c for c in api.get("/api/v1/conversations", headers=headers).json()["items"]
             if c["subject"] == "Haircut on Saturday"]
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        items = api.get(f"/api/v1/conversations/{sms['id']}/messages", headers=headers).json()["items"]
        replies = [m for m in items if m["direction"] == "outbound"]
        if replies and replies[0]["delivery_status"] not in (None, "queued"):
            return str(sms["id"]), dict(replies[0])
        assert time.monotonic() < deadline, f"the demo's SMS reply was not settled: {items}"
        time.sleep(0.5)


def test_the_demos_unsendable_sms_reply_shows_failed_with_its_reason(
    live: LiveServer, live_runtime: Runtime, page: Any
) -> None:
    demo = json.loads((live.data_dir / "demo-credentials.json").read_text())
    headers = {"Authorization": f"Bearer {_owner_key(live_runtime, UUID(demo['tenant_id']))}"}
    with live.client() as api:
        conversation_id, reply = _failed_reply(api, headers)
    assert reply["delivery_status"] == "failed"
    assert reply["delivery_error"].startswith(NO_CREDENTIAL)

    sign_in(page, Credentials(demo["email"], demo["password"]))
    page.goto(f"/conversations/{conversation_id}")
    shown = page.locator(f"#m-{reply['id']} .delivery")
    assert shown.get_attribute("class") == "delivery delivery-failed"
    assert shown.inner_text().startswith("Failed: " + NO_CREDENTIAL)
    assert "Sent" not in page.locator(f"#m-{reply['id']}").inner_text()
    screenshot(page, "conversation-delivery-failed")
