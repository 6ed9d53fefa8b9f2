"""Finding: IPv6 forms that embed an IPv4 address passed the outbound-webhook SSRF guard.

The guard unwrapped IPv4-mapped, 6to4, Teredo and well-known NAT64 addresses, but not the IPv4-compatible
form (``::a.b.c.d``), the IPv4-translated form (``::ffff:0:a.b.c.d``, RFC 2765) or the local-use NAT64
prefix (``64:ff9b:1::/48``, RFC 8215). Python does not count those as non-global, so a tenant could
register the cloud metadata service or loopback as a webhook destination and read the answers from the
delivery log. Registration on the real server now refuses each of them with a 422 naming the reason.
"""

from __future__ import annotations

import pytest

from tests.conftest import TenantHandle
from tests.live_server import LiveServer

ENDPOINTS = "/api/v1/webhook-endpoints"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://[::a9fe:a9fe]/latest/meta-data/", "link-local"),  # = 169.254.169.254
        ("https://[::ffff:0:7f00:1]/hook", "loopback"),  # = 127.0.0.1
        ("https://[64:ff9b:1::a9fe:a9fe]/latest/meta-data/", "local-use NAT64"),
    ],
    ids=["ipv4-compatible-metadata", "ipv4-translated-loopback", "local-use-nat64-metadata"],
)
def test_embedded_internal_ipv4_addresses_cannot_be_registered(
    live: LiveServer, live_tenant: TenantHandle, url: str, reason: str
) -> None:
    with live.client() as client:
        response = client.post(
            ENDPOINTS, json={"url": url, "event_types": ["booking.created"]}, headers=live_tenant.headers
        )
        assert response.status_code == 422, response.text
        message = response.json()["error"]["message"]
        assert reason in message
        assert "public addresses" in message
        assert client.get(ENDPOINTS, headers=live_tenant.headers).json() == []
