"""Finding 3: no limit on request bodies.

FastAPI read and parsed any body in full before the widget key, the API key or a rate limiter was
looked at: one anonymous 200 MiB POST to ``/widget/v1/conversations`` cost the server 550 MB of memory.
Now bodies are capped per route class before any route runs: a declared oversized ``Content-Length`` is
refused before the body is read, and an undeclared (chunked) body is cut off as soon as it passes the cap.
"""

from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import text

from tests.conftest import TenantHandle
from tests.live_server import LiveServer

MiB = 1024 * 1024
ATTACK_BYTES = 200 * MiB
WIDGET_START = "/widget/v1/conversations"
DOCUMENTS = "/api/v1/knowledge/documents"


def resident_bytes(server: LiveServer) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    [line] = [line for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(line.split()[1]) * 1024  # reported in kB


def raw_exchange(server: LiveServer, head: bytes, wait_seconds: float = 5.0) -> bytes:
    """Sends only ``head`` (request line and headers, no body) and returns all the server answers."""
    answer = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=wait_seconds) as conn:
        conn.sendall(head)
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except TimeoutError:
            pass  # still waiting for the body it was promised: the answer stays incomplete
    return answer


def audit_rows_of_request(server: LiveServer, request_id: str) -> list[Any]:
    """The refusal is recorded just after the response went out: wait briefly for it."""
    engine = server.database.owner_engine()
    try:
        deadline = time.monotonic() + 5.0
        while True:
            with engine.connect() as conn:
                rows = list(conn.execute(
                    text("select action, details, host(ip) as ip from audit_events where request_id = :r"),
                    {"r": request_id},
                ))
            if rows or time.monotonic() > deadline:
                return rows
            time.sleep(0.1)
    finally:
        engine.dispose()


def html_page_with_inlined_image(total_bytes: int) -> bytes:
    """A saved web page: a little text and a large base64 image, whose data is not text to index."""
    start = b'<html><body><h1>Opening hours</h1><p>Monday to Friday, 9 to 5.</p><img src="data:image/png;base64,'
    end = b'"></body></html>'
    return start + b"A" * (total_bytes - len(start) - len(end)) + end


def test_an_endless_chunked_body_is_cut_off_at_the_cap(live: LiveServer) -> None:
    sent = 0

    def endless() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(ATTACK_BYTES // MiB):
            sent += MiB
            yield b" " * MiB

    with live.client() as client:
        # A first small request loads what the route's path imports on first use, so that is not counted.
        client.post(WIDGET_START, content=b"{}", headers={"Content-Type": "application/json"})
    before = resident_bytes(live)
    started = time.monotonic()
    with live.client() as client:
        # No Content-Length: a generator makes the client send the body chunked.
        response = client.post(WIDGET_START, content=endless(), headers={"Content-Type": "application/json"})
    elapsed = time.monotonic() - started
    grown = resident_bytes(live) - before

    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"
    assert elapsed < 10.0
    assert sent < ATTACK_BYTES // 4, f"the client could send {sent // MiB} MiB before the server stopped it"
    assert grown < 50 * MiB, f"the server grew by {grown // MiB} MiB"


def test_a_declared_oversized_body_is_refused_before_it_is_sent(live: LiveServer) -> None:
    request_id = uuid.uuid4().hex
    head = (
        f"POST {WIDGET_START} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {ATTACK_BYTES}\r\nX-Request-Id: {request_id}\r\n\r\n"
    ).encode()

    answer = raw_exchange(live, head)

    status_line, _, rest = answer.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large", answer[:200]
    headers, _, body = rest.partition(b"\r\n\r\n")
    assert f"x-request-id: {request_id}".encode() in headers.lower()
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    [refusal] = audit_rows_of_request(live, request_id)
    assert (refusal.action, refusal.details["status"], refusal.ip) == ("request.failed", 413, "127.0.0.1")


def test_an_upload_up_to_five_megabytes_is_read_and_a_larger_one_is_not(
    live: LiveServer, live_tenant: TenantHandle
) -> None:
    def upload(size: int) -> Any:
        page = ("saved-page.html", html_page_with_inlined_image(size), "text/html")
        return client.post(f"{DOCUMENTS}/upload", files={"file": page}, headers=live_tenant.headers)

    with live.client() as client:
        accepted = upload(4 * 1000 * 1000)
        refused = upload(6 * 1000 * 1000)

    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["source_bytes"] == 4 * 1000 * 1000
    assert refused.status_code == 413
    assert refused.json()["error"]["code"] == "payload_too_large"


def test_ordinary_json_requests_are_unaffected(live: LiveServer, live_tenant: TenantHandle) -> None:
    # The largest settings a tenant may save, in a non-Latin script, encoded as Python's json.dumps does
    # by default: every character escaped as \uXXXX, six bytes each (5.4 MB).
    faqs = [{"question": "営" * 500, "answer": "業" * 4000} for _ in range(200)]
    settings = json.dumps({"faqs": faqs}).encode()
    # A saved page pasted as HTML, larger than any other JSON body but within the 5 MB document limit.
    page = html_page_with_inlined_image(4_500_000).decode()
    pasted = {"title": "Saved page", "source_kind": "html", "content": page}

    with live.client() as client:
        saved = client.patch(
            "/api/v1/settings", content=settings, headers={**live_tenant.headers, "Content-Type": "application/json"}
        )
        added = client.post(DOCUMENTS, json=pasted, headers=live_tenant.headers)

    assert saved.status_code == 200, saved.text[:500]
    assert len(saved.json()["faqs"]) == 200
    assert added.status_code == 201, added.text[:500]
