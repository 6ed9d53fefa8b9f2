"""Hypothesis over headers and bodies sent to every webhook endpoint: never a 5xx, never a 200 without
a valid signature, and every refusal is the same generic body."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engium.channels.rate_limits import ChannelLimits
from engium.runtime import Runtime
from tests.channels.inbound_helpers import GENERIC_401, ChannelTenant, configured_tenant, stored_messages

HEADER_NAMES = [
    "X-Twilio-Signature", "X-Hub-Signature-256", "webhook-id", "webhook-timestamp", "webhook-signature",
    "Content-Type", "Content-Length", "X-Forwarded-Host", "X-Forwarded-Proto", "Host",
]
header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=80),
    st.sampled_from(["", "sha256=", "v1,", "v1,AAAA", "application/x-www-form-urlencoded", "-1", "99999999999999"]),
)
bodies = st.one_of(
    st.binary(max_size=512),
    st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.sampled_from([b"From=%2B1&Body=hi&MessageSid=SM1", b'{"entry":[]}', b"a=%zz", b"\xff\xfe", b"&&&="]),
)


@pytest.fixture
def target(client: TestClient, runtime: Runtime) -> ChannelTenant:
    client.app.state.channel_limits = ChannelLimits(failures_per_minute=10**9)  # type: ignore[attr-defined]
    return configured_tenant(client, runtime)


def test_fuzzed_requests_never_crash_or_pass(client: TestClient, runtime: Runtime, target: ChannelTenant) -> None:
    paths = [
        target.twilio_path(), f"/webhooks/whatsapp/{target.public_id}", f"/webhooks/events/{target.public_id}",
        "/webhooks/twilio/unknown-tenant/sms", f"/webhooks/events/{target.public_id}x",
    ]

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        path=st.sampled_from(paths),
        headers=st.dictionaries(st.sampled_from(HEADER_NAMES), header_values, max_size=6),
        body=bodies,
    )
    def probe(path: str, headers: dict[str, str], body: bytes) -> None:
        headers.pop("Content-Length", None) if not headers.get("Content-Length", "").isdigit() else None
        try:
            response = client.post(path, content=body, headers=headers)
        except ValueError:
            return  # the HTTP client itself refused the header (not a request the server saw)
        assert response.status_code in {401, 413, 422}, (path, headers, body, response.status_code)
        if response.status_code == 401:
            assert response.json() == GENERIC_401

    probe()
    assert stored_messages(runtime, target.tenant) == []
