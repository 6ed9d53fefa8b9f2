"""The SSRF guard for outbound webhooks: resolve, refuse non-public addresses, pin what was checked.

A tenant chooses the URL we POST to, so without this guard a tenant could make the server call its
own loopback services, the private network behind it or the cloud metadata endpoint
(169.254.169.254) and read the answer from the delivery log. The rules:

* ``https`` only (``http`` only when ``allow_http`` is set), no credentials in the URL;
* every address the name resolves to must be public: one bad record refuses the whole name, or a
  resolver answering several records could pick the bad one at connect time;
* an IPv6 address that embeds an IPv4 address is judged by that IPv4 address too: IPv4-mapped
  (``::ffff:0:0/96``), IPv4-compatible (``::/96``), IPv4-translated (``::ffff:0:0:0/96``, RFC 2765),
  6to4 (``2002::/16``), Teredo (``2001::/32``, server and client) and well-known NAT64
  (``64:ff9b::/96``). A kernel, tunnel or translator may turn any of them into an IPv4 connection, so
  ``[::a9fe:a9fe]`` is the metadata service as surely as ``169.254.169.254`` is;
* beyond that an IPv6 address must be plainly global unicast: inside ``2000::/3`` and global. The
  exceptions are the mapped, NAT64 and Teredo forms around public IPv4 addresses, which lead only to
  those addresses (6to4 needs none: it is global unicast). The deprecated IPv4-compatible and
  IPv4-translated forms are refused even around a public address (no receiver is addressed that way;
  what they reach depends on the host's tunnels), and so is the local-use NAT64 prefix
  ``64:ff9b:1::/48`` (RFC 8215): its operator chooses where the IPv4 address sits, so there are no
  fixed 32 bits to check;
* ``allow_private_networks`` and ``allowed_cidrs`` lift these refusals for what they open (an embedded
  IPv4 address must be opened itself, by an IPv4 CIDR), never for multicast or unspecified addresses,
  where nothing listens for TCP;
* the connection goes to the address that was checked (:attr:`Destination.address`), with the original
  name in the ``Host`` header and as TLS SNI (certificates are still verified against the name), so a
  second DNS answer (DNS rebinding) cannot redirect it;
* the check runs at registration (a clear 422) *and* before every delivery attempt;
* redirects are never followed (the caller's job; see delivery.py).
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from engium.webhooks.settings import WebhookSettings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> every address the host resolves to. Replaceable for tests.
Resolver = Callable[[str, int], list[str]]

_DEFAULT_PORTS = {"https": 443, "http": 80}
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$")

# Named ranges, for a message that tells the tenant why; anything else not globally routable (for IPv6:
# also anything outside 2000::/3) is refused by the final tests.
_BLOCKED: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "an unspecified address"),
    ("10.0.0.0/8", "a private address (RFC 1918)"),
    ("100.64.0.0/10", "a carrier-grade NAT address"),
    ("127.0.0.0/8", "a loopback address"),
    ("169.254.0.0/16", "a link-local address (this includes cloud metadata services)"),
    ("172.16.0.0/12", "a private address (RFC 1918)"),
    ("192.168.0.0/16", "a private address (RFC 1918)"),
    ("224.0.0.0/4", "a multicast address"),
    ("240.0.0.0/4", "a reserved address"),
    ("::/128", "an unspecified address"),
    ("::1/128", "a loopback address"),
    ("fc00::/7", "a unique-local address"),
    ("fe80::/10", "a link-local address"),
    ("ff00::/8", "a multicast address"),
    # After ::/128 and ::1/128, which the first match names.
    ("::/96", "a deprecated IPv4-compatible IPv6 address"),
    ("::ffff:0:0:0/96", "a deprecated IPv4-translated IPv6 address (RFC 2765)"),
    ("64:ff9b:1::/48", "a local-use NAT64 address (RFC 8215)"),
)
_BLOCKED_NETWORKS = tuple((ipaddress.ip_network(cidr), why) for cidr, why in _BLOCKED)
# Never useful even when private networks are allowed: nothing listens on them for TCP.
_NEVER = tuple(n for n, why in _BLOCKED_NETWORKS if "multicast" in why or "unspecified" in why)

_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Forms that reach exactly their embedded IPv4 address: accepted when that address is.
_TO_EMBEDDED_ONLY = (ipaddress.ip_network("::ffff:0:0/96"), _NAT64)
# :: and ::1 sit inside ::/96 but are IPv6's own unspecified and loopback addresses (RFC 4291 2.5.5.1).
_NOT_IPV4_COMPATIBLE = ipaddress.ip_network("::/127")


class UnsafeDestination(Exception):
    """The URL may not be called. The message is safe to show the tenant: it names the rule, and
    never another tenant's data or the server's network layout beyond the tenant's own URL."""


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # IDNA-encoded, lower case, without brackets
    port: int
    target: str  # path and query
    address: str  # the checked address the connection must use

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == _DEFAULT_PORTS[self.scheme] else f"{host}:{self.port}"

    @property
    def pinned_url(self) -> str:
        """The URL with the host replaced by the checked address: connect here, nowhere else."""
        address = f"[{self.address}]" if ":" in self.address else self.address
        return f"{self.scheme}://{address}:{self.port}{self.target}"


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _last_32_bits(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address, ...]:
    """Every IPv4 address this IPv6 address can lead to; empty when it embeds none."""
    if address.ipv4_mapped is not None:
        return (address.ipv4_mapped,)
    if address in _IPV4_TRANSLATED or address in _NAT64:
        return (_last_32_bits(address),)
    if address in _IPV4_COMPATIBLE and address not in _NOT_IPV4_COMPATIBLE:
        return (_last_32_bits(address),)
    if address.sixtofour is not None:
        return (address.sixtofour,)
    if address.teredo is not None:
        return address.teredo  # (server, client): both are contacted on the way
    return ()


def _opened_by_settings(address: IPAddress, settings: WebhookSettings) -> bool:
    return settings.allow_private_networks or any(address in n for n in settings.allowed_networks)


def refusal_reason(address: IPAddress, settings: WebhookSettings) -> str | None:
    """Why this address may not be called, or None when it may (the rules: the module docstring)."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            return "an address with a zone index"
        for embedded in _embedded_ipv4(address):
            reason = refusal_reason(embedded, settings)
            if reason is not None:
                return f"{reason} (embedded in an IPv6 address)"
    if any(address in network for network in _NEVER):
        return next(why for network, why in _BLOCKED_NETWORKS if address in network)
    if _opened_by_settings(address, settings):
        return None
    for network, why in _BLOCKED_NETWORKS:
        if address in network:
            return why
    if isinstance(address, ipaddress.IPv6Address):
        return _ipv6_unicast_reason(address)
    return None if address.is_global else "a reserved or non-public address"


def _ipv6_unicast_reason(address: ipaddress.IPv6Address) -> str | None:
    """The last IPv6 test, once the embedded IPv4 addresses (if any) were found public."""
    if any(address in network for network in _TO_EMBEDDED_ONLY) or address.teredo is not None:
        # Python counts Teredo's block (2001::/32) as non-global, yet it is reached through public
        # relays at its client address, checked like the others.
        return None
    if address in _GLOBAL_UNICAST and address.is_global:
        return None
    return "a reserved or non-public address"


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse(url: str, settings: WebhookSettings) -> tuple[str, str, int, str]:
    """(scheme, host, port, target) of an acceptable URL, or :class:`UnsafeDestination`."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        raise UnsafeDestination("The URL must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeDestination("The URL is not valid") from None
    scheme = parts.scheme.lower()
    allowed = ("https", "http") if settings.allow_http else ("https",)
    if scheme not in allowed:
        raise UnsafeDestination("The URL must use https")
    if parts.username is not None or parts.password is not None:
        raise UnsafeDestination("The URL must not contain credentials")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise UnsafeDestination("The URL must name a host")
    if not _is_ip_literal(host):
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise UnsafeDestination("The URL's host name is not valid") from None
        if not _HOSTNAME.match(host):
            raise UnsafeDestination("The URL's host name is not valid")
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return scheme, host, port or _DEFAULT_PORTS[scheme], target


def check(url: str, settings: WebhookSettings, resolver: Resolver | None = None) -> Destination:
    """Parses, resolves and checks ``url``; the returned destination is pinned to a checked address.

    ``resolver`` defaults to :func:`system_resolver`, looked up at call time so tests can replace it."""
    resolve = resolver or system_resolver
    scheme, host, port, target = parse(url, settings)
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        candidates = [str(literal)]
    else:
        try:
            candidates = resolve(host, port)
        except (OSError, UnicodeError):
            raise UnsafeDestination("The URL's host name could not be resolved") from None
        if not candidates:
            raise UnsafeDestination("The URL's host name could not be resolved")
    addresses: list[IPAddress] = []
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            raise UnsafeDestination("The URL's host name resolved to an invalid address") from None
        reason = refusal_reason(address, settings)
        if reason is not None:
            what = "The URL points to" if literal is not None else "The URL's host name resolves to"
            raise UnsafeDestination(f"{what} {reason}; webhooks may only call public addresses")
        addresses.append(address)
    return Destination(scheme, host, port, target, str(addresses[0]))
