"""A newcomer's first hour: `engium serve --demo` on a machine without an SMTP server. A chat visitor who
wants to book gives an e-mail address; the code lands in the data directory's outbox, and entering it
proves the address. Without the outbox the visitor would be asked for a code that could never arrive."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from tests.conftest import scratch_dir
from tests.live_server import live_server


def wait_for_code(outbox: Path, seconds: float = 30.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for written in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
            found = re.search(r"Your code: (\d{6})", written.read_text())
            if found:
                return found.group(1)
        time.sleep(0.3)
    raise AssertionError(f"no code in {outbox} after {seconds} s")


def test_the_demo_writes_a_chat_visitors_code_to_the_outbox_and_the_code_proves_the_address() -> None:
    with scratch_dir("engium-demo-outbox-") as scratch, live_server(scratch / "data", {}, "--demo") as server:
        outbox = server.data_dir / "outbox"
        assert f"written to {outbox}/" in server.log()
        widget_key = json.loads((server.data_dir / "demo-credentials.json").read_text())["widget_key"]
        with server.client() as client:
            started = client.post("/widget/v1/conversations", headers={"X-Widget-Key": widget_key},
                                  json={"message": "Can I book a men's haircut?"})
            assert started.status_code == 201, started.text
            headers = {"X-Widget-Key": widget_key, "X-Widget-Token": started.json()["token"]}
            stated = client.put("/widget/v1/contact", headers=headers,
                                json={"name": "Ana Lima", "email": "ana@example.com"})
            assert (stated.status_code, stated.json().get("code_sent_to")) == (200, "email"), stated.text
            code = wait_for_code(outbox)
            proved = client.post("/widget/v1/contact/verify", headers=headers, json={"code": code})
            assert proved.status_code == 200, proved.text
