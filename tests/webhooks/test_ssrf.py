"""The SSRF guard: non-public destinations are refused at registration (422) and again at delivery."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from engium.runtime import Runtime
from engium.webhooks import ssrf
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle
from tests.job_queue import make_due
from tests.webhooks.conftest import (
    URL,
    FakeClock,
    Receiver,
    book,
    create_endpoint,
    deliver_due,
    deliveries,
    delivery_jobs,
)

DEFAULTS = WebhookSettings()
PUBLIC = "93.184.215.14"


def resolver_for(mapping: dict[str, list[str]]) -> ssrf.Resolver:
    def resolve(host: str, port: int) -> list[str]:
        if host not in mapping:
            raise OSError("no such host")
        return mapping[host]

    return resolve


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://127.8.9.10/hook", "loopback"),
        ("https://10.0.0.1/hook", "private"),
        ("https://10.255.255.254:8443/hook", "private"),
        ("https://172.16.5.4/hook", "private"),
        ("https://192.168.1.1/hook", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://100.64.0.1/hook", "carrier-grade NAT"),
        ("https://0.0.0.0/hook", "unspecified"),
        ("https://224.0.0.1/hook", "multicast"),
        ("https://240.0.0.1/hook", "reserved"),
        ("https://[::1]/hook", "loopback"),
        ("https://[::]/hook", "unspecified"),
        ("https://[fd00::1]/hook", "unique-local"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://[::ffff:169.254.169.254]/hook", "link-local"),
        ("https://[64:ff9b::a00:1]/hook", "private"),
        ("https://[2002:a00:1::1]/hook", "private"),
        ("https://192.0.2.10/hook", "non-public"),
        # IPv4 embedded in IPv6: every form is unwrapped and its IPv4 address checked.
        ("https://[::a9fe:a9fe]/latest/meta-data/", "link-local"),  # IPv4-compatible (::/96)
        ("https://[::7f00:1]/hook", "loopback"),
        ("https://[::ffff:0:7f00:1]/hook", "loopback"),  # IPv4-translated (::ffff:0:0:0/96, RFC 2765)
        ("https://[::ffff:0:a9fe:a9fe]/hook", "link-local"),
        ("https://[64:ff9b::a9fe:a9fe]/hook", "link-local"),  # well-known NAT64 prefix
        ("https://[2002:a9fe:a9fe::1]/hook", "link-local"),  # 6to4
        ("https://[2001:0:5db8:d70e::80ff:fffe]/hook", "loopback"),  # Teredo, client 127.0.0.1
        ("https://[2001:0:a00:1::a247:28f1]/hook", "private"),  # Teredo, server 10.0.0.1
        # The local-use NAT64 prefix (RFC 8215) embeds where the operator chose: refused whatever follows.
        ("https://[64:ff9b:1::a9fe:a9fe]/latest/meta-data/", "local-use NAT64"),
        ("https://[64:ff9b:1::5db8:d70e]/hook", "local-use NAT64"),
        # Deprecated embeddings no receiver uses are refused even around a public IPv4 address.
        ("https://[::5db8:d70e]/hook", "IPv4-compatible"),
        ("https://[::ffff:0:5db8:d70e]/hook", "IPv4-translated"),
        # Outside global unicast (2000::/3) without a form that names a public IPv4 address.
        ("https://[400::1]/hook", "non-public"),
        ("https://[100::1]/hook", "non-public"),
    ],
)
def test_non_public_address_literals_are_refused(url: str, reason: str) -> None:
    with pytest.raises(ssrf.UnsafeDestination, match=reason):
        ssrf.check(url, DEFAULTS, resolver_for({}))


@pytest.mark.parametrize(
    "url",
    [
        "https://[2606:4700:4700::1111]/hook",  # plain global unicast
        f"https://[::ffff:{PUBLIC}]/hook",  # IPv4-mapped: the host connects over IPv4
        "https://[64:ff9b::5db8:d70e]/hook",  # NAT64 to a public address
        "https://[2002:5db8:d70e::1]/hook",  # 6to4 through a public relay
        "https://[2001:0:5db8:d70e::a247:28f0]/hook",  # Teredo, public server and client
    ],
)
def test_ipv6_forms_that_reach_a_public_address_are_accepted(url: str) -> None:
    literal = url.split("[")[1].split("]")[0]
    assert ssrf.check(url, DEFAULTS, resolver_for({})).address == str(ipaddress.ip_address(literal))


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        (["127.0.0.1"], "loopback"),
        (["10.1.2.3"], "private"),
        (["169.254.169.254"], "link-local"),
        (["::1"], "loopback"),
        ([PUBLIC, "10.1.2.3"], "private"),  # one bad record refuses the name
        (["::a9fe:a9fe"], "link-local"),  # an AAAA record embedding the metadata address
        ([PUBLIC, "::ffff:0:7f00:1"], "loopback"),
        (["64:ff9b:1::a9fe:a9fe"], "local-use NAT64"),
    ],
)
def test_names_resolving_to_non_public_addresses_are_refused(answers: list[str], reason: str) -> None:
    with pytest.raises(ssrf.UnsafeDestination, match=reason):
        ssrf.check("https://hooks.example.test/x", DEFAULTS, resolver_for({"hooks.example.test": answers}))


def test_localhost_is_refused_through_the_system_resolver() -> None:
    with pytest.raises(ssrf.UnsafeDestination, match="loopback"):
        ssrf.check("https://localhost:9/hook", DEFAULTS)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hooks.example.test/x", "https"),
        ("ftp://hooks.example.test/x", "https"),
        ("https://user:pw@hooks.example.test/x", "credentials"),
        ("https://hooks.example.test:99999/x", "not valid"),
        ("https:///x", "host"),
        ("https://hooks example.test/x", "spaces"),
        ("https://unknown.example.test/x", "could not be resolved"),
    ],
)
def test_malformed_or_plain_http_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(ssrf.UnsafeDestination, match=message):
        ssrf.check(url, DEFAULTS, resolver_for({"hooks.example.test": [PUBLIC]}))


def test_a_public_destination_is_pinned_to_the_checked_address() -> None:
    target = ssrf.check(
        "https://Hooks.Example.test:8443/in?x=1", DEFAULTS, resolver_for({"hooks.example.test": [PUBLIC]})
    )
    assert target.address == PUBLIC
    assert target.pinned_url == f"https://{PUBLIC}:8443/in?x=1"
    assert target.host_header == "hooks.example.test:8443"
    assert target.host == "hooks.example.test"


def test_the_allow_settings_open_exactly_what_they_name() -> None:
    cidr = WebhookSettings(allowed_cidrs="10.20.0.0/16")
    assert ssrf.check("https://10.20.1.2/x", cidr).address == "10.20.1.2"
    with pytest.raises(ssrf.UnsafeDestination, match="private"):
        ssrf.check("https://10.21.1.2/x", cidr)
    with pytest.raises(ssrf.UnsafeDestination, match="loopback"):
        ssrf.check("https://127.0.0.1/x", cidr)
    # An embedded address is judged like the plain one: the CIDR opens it, loopback stays shut.
    assert ssrf.check("https://[::ffff:10.20.1.2]/x", cidr).address == "::ffff:a14:102"
    with pytest.raises(ssrf.UnsafeDestination, match="loopback"):
        ssrf.check("https://[::ffff:0:7f00:1]/x", cidr)
    with pytest.raises(ssrf.UnsafeDestination, match="local-use NAT64"):
        ssrf.check("https://[64:ff9b:1::a14:102]/x", cidr)
    assert ssrf.check("https://[64:ff9b:1::a14:102]/x", WebhookSettings(allowed_cidrs="64:ff9b:1::/48")).address
    everything = WebhookSettings(allow_private_networks=True)
    assert ssrf.check("https://127.0.0.1/x", everything).address == "127.0.0.1"
    assert ssrf.check("https://[::ffff:0:7f00:1]/x", everything).address == "::ffff:0:7f00:1"
    assert ssrf.check("https://[64:ff9b:1::a9fe:a9fe]/x", everything).address == "64:ff9b:1::a9fe:a9fe"
    with pytest.raises(ssrf.UnsafeDestination, match="multicast"):
        ssrf.check("https://224.0.0.1/x", everything)
    with pytest.raises(ssrf.UnsafeDestination, match="multicast"):
        ssrf.check("https://[::ffff:224.0.0.1]/x", everything)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data/iam/",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://metadata.internal.test/hook",
    ],
)
def test_registration_refuses_with_a_clear_422(
    client: TestClient, tenant: TenantHandle, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setattr(ssrf, "system_resolver", resolver_for({
        "localhost": ["127.0.0.1", "::1"], "metadata.internal.test": ["169.254.169.254"],
    }))
    response = client.post(URL, json={"url": url, "event_types": ["booking.created"]}, headers=tenant.headers)
    assert response.status_code == 422, response.text
    message = response.json()["error"]["message"]
    assert "public addresses" in message
    assert client.get(URL, headers=tenant.headers).json() == []


def test_delivery_rechecks_the_destination_and_refuses_a_rebound_name(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Registered while the name pointed at a public address; by delivery time it points at loopback
    (DNS rebinding). The worker checks again, refuses, and the receiver on loopback gets nothing."""
    port = receiver.server.server_address[1]
    answers = {"hooks.example.test": [PUBLIC]}
    resolve = resolver_for(answers)
    monkeypatch.setattr(ssrf, "system_resolver", resolve)
    monkeypatch.setattr(runtime.settings, "webhooks", WebhookSettings(allow_http=True))
    endpoint = create_endpoint(client, tenant, f"http://hooks.example.test:{port}/hooks")
    book(client, runtime, tenant)
    answers["hooks.example.test"] = ["127.0.0.1"]
    clock = FakeClock()
    deliver_due(runtime, WebhookSettings(allow_http=True), clock)
    assert receiver.requests == []
    [delivery] = deliveries(client, tenant, endpoint["id"])
    assert delivery["status"] == "pending"
    assert delivery["last_status_code"] is None
    assert "loopback" in delivery["last_error"]
    clock.advance(timedelta(hours=1))
    make_due(runtime, delivery_jobs(runtime, delivery["id"])[0]["id"])
    deliver_due(runtime, WebhookSettings(allow_http=True), clock)
    assert receiver.requests == []
    assert deliveries(client, tenant, endpoint["id"])[0]["attempts"] == 2
