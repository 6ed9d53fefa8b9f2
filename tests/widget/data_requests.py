"""A widget visitor filing data-subject requests (ADR 0031), shared by the tests of the phone and e-mail paths."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.channels.inbound_helpers import ChannelTenant

PHONE = "+447700900123"
REQUESTS = "/widget/v1/privacy/requests"


class Visitor:
    """A widget visitor of ``business``: a conversation started, its token held."""

    def __init__(self, client: TestClient, business: ChannelTenant) -> None:
        self.client, self.business = client, business
        started = client.post("/widget/v1/conversations", json={}, headers={"X-Widget-Key": business.widget_key})
        assert started.status_code == 201, started.text
        self.headers = {"X-Widget-Key": business.widget_key, "X-Widget-Token": started.json()["token"]}

    def ask(self, kind: str = "export", phone: str = PHONE, **more: Any) -> Any:
        return self.client.post(REQUESTS, json={"kind": kind, "phone": phone, **more}, headers=self.headers)

    def confirm(self, challenge_id: str, code: str) -> Any:
        return self.client.post(f"{REQUESTS}/{challenge_id}/confirm", json={"code": code}, headers=self.headers)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"
