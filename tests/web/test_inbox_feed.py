"""Live inbox updates across processes: PostgreSQL NOTIFY at commit, one LISTEN per process, fanned out to
the subscribers of the conversation's tenant only. The notification itself names ids and nothing else."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from engium.web.inbox_feed import InboxFeed
from tests.conftest import TenantHandle, make_tenant
from tests.inbox_listener import inbox_listener


def _customer_writes(client: TestClient, tenant: TenantHandle, phone: str) -> str:
    contact = client.post("/api/v1/contacts", json={"phone": phone}, headers=tenant.headers).json()
    conversation = client.post("/api/v1/conversations", headers=tenant.headers, json={
        "contact_id": contact["id"], "channel": "sms", "message": "Is Tuesday free?"})
    assert conversation.status_code == 201, conversation.text
    return str(conversation.json()["id"])


def test_a_committed_message_is_announced_with_ids_only(client: TestClient, tenant: TenantHandle,
                                                         runtime: Runtime) -> None:
    with inbox_listener(runtime) as driver:
        conversation_id = _customer_writes(client, tenant, "+447700900111")
        payloads = [json.loads(n.payload) for n in driver.notifies(timeout=5.0, stop_after=1)]
    ours = [p for p in payloads if p.get("tenant_id") == str(tenant.id)]
    assert ours == [{"tenant_id": str(tenant.id), "conversation_id": conversation_id}]


def test_the_feed_hands_a_change_only_to_subscribers_of_that_business(
    client: TestClient, tenant: TenantHandle, runtime: Runtime
) -> None:
    other = make_tenant(runtime)

    async def scenario() -> tuple[set[Any], bool]:
        feed = InboxFeed(runtime.database)
        ours, theirs = feed.subscribe(tenant.id), feed.subscribe(other.id)
        try:
            assert await asyncio.to_thread(feed.listening.wait, 10.0)
            conversation_id = await asyncio.to_thread(_customer_writes, client, tenant, "+447700900222")
            changed, _ = await asyncio.wait_for(ours.next_batch(), timeout=5.0)
            await asyncio.sleep(0.5)
            assert {str(c) for c in changed} == {conversation_id}
            return theirs.changed, theirs.wake.is_set()
        finally:
            feed.stop()

    others_changes, others_woken = asyncio.run(scenario())
    assert others_changes == set()
    assert not others_woken
