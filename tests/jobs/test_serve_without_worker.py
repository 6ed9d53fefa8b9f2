"""``engium serve --no-worker`` serves requests and leaves every job to ``engium worker`` processes: the
deployment that scales the two apart (docs/deploy.md)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from engium.config import Settings
from engium.runtime import Runtime
from tests.channels.inbound_helpers import add_credential
from tests.conftest import make_tenant, scratch_dir
from tests.live_server import LiveServer, cli_env, live_server


@pytest.fixture(scope="module")
def api_only() -> Iterator[LiveServer]:
    with scratch_dir("engium-no-worker-") as scratch, live_server(scratch / "data", None, "--no-worker") as server:
        yield server


def assistant_replies(server: LiveServer, headers: dict[str, str]) -> list[str]:
    with server.client() as client:
        messages = client.get("/widget/v1/messages", headers=headers).json()
    return [m["body"] for m in messages if m["author_kind"] == "assistant"]


def test_the_api_answers_and_the_reply_waits_for_a_worker_process(api_only: LiveServer) -> None:
    runtime = Runtime(settings=Settings(data_dir=api_only.data_dir, secure_cookies=False), database=api_only.database)
    tenant = make_tenant(runtime)
    with api_only.client() as client:
        assert client.patch("/api/v1/settings", headers=tenant.headers,
                            json={"opening_hours": {"mon": "09:00-17:00"}}).status_code == 200
        key = add_credential(client, tenant, "widget", "site", "a widget secret")["metadata"]["public_widget_key"]
        started = client.post("/widget/v1/conversations", headers={"X-Widget-Key": key},
                              json={"message": "When are you open?"})
        assert started.status_code == 201, started.text
    visitor = {"X-Widget-Key": key, "X-Widget-Token": started.json()["token"]}
    time.sleep(3)
    assert assistant_replies(api_only, visitor) == []  # stored, queued, and nobody in this process runs it

    worker = subprocess.Popen([sys.executable, "-m", "engium.cli", "worker", "--data-dir", str(api_only.data_dir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=cli_env())
    try:
        deadline = time.monotonic() + 60
        while not assistant_replies(api_only, visitor) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(60)
    (reply,) = assistant_replies(api_only, visitor)
    assert "opening hours" in reply.lower()


