"""The websites a tenant allows to call its widget API from a browser, written as browsers write them.

A browser sends ``Origin: https://www.example.com`` (scheme, lower-case host, the port only when it is
not the scheme's default, no path). The widget's CORS layer compares that header with the stored list
as plain strings, so every entry is stored in exactly that spelling: ``HTTPS://Example.com:443/`` is
saved as ``https://example.com``. Anything a browser could never send (a path, a query, credentials,
a wildcard, ``null``) is refused with a message instead of being stored and silently never matching.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

MAX_ORIGINS = 50
MAX_ORIGIN_CHARS = 300
DEFAULT_PORTS = {"http": 80, "https": 443}
# A DNS name: letters, digits and hyphens in dot-separated labels; a single label (localhost) allowed.
_DNS_NAME = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")
EXAMPLE = "https://www.example.com or http://localhost:8080"


def _host(raw: str) -> str:
    if ":" in raw:
        return f"[{ipaddress.IPv6Address(raw).compressed}]"
    if not raw.isascii():
        raise ValueError("write an international domain name in its xn-- form")
    try:
        return str(ipaddress.IPv4Address(raw))
    except ValueError:
        pass
    if not _DNS_NAME.fullmatch(raw):
        raise ValueError("the host is not a domain name or an IP address")
    return raw


def web_origin(value: str) -> str:
    """``value`` as a browser would send it in ``Origin``; ValueError, with the reason, if it is not one."""
    text = value.strip()
    if len(text) > MAX_ORIGIN_CHARS:
        raise ValueError(f"an origin has at most {MAX_ORIGIN_CHARS} characters")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"{text[:64]!r} is not an origin ({EXAMPLE})") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"{text[:64]!r} is not an origin: it must start with http:// or https://")
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError(f"{text[:64]!r} is not an origin: no path, query or fragment ({EXAMPLE})")
    if parts.username is not None or parts.password is not None or "*" in text:
        raise ValueError(f"{text[:64]!r} is not an origin: no credentials or wildcards ({EXAMPLE})")
    try:
        # urlsplit lower-cases the host and takes the brackets off an IPv6 address.
        host = _host((parts.hostname or "").rstrip("."))
    except ValueError as exc:
        raise ValueError(f"{text[:64]!r} is not an origin: {exc}") from None
    shown_port = f":{port}" if port is not None and port != DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{shown_port}"


def web_origins(values: list[str]) -> list[str]:
    """Each value as :func:`web_origin`, without duplicates, sorted."""
    if len(values) > MAX_ORIGINS:
        raise ValueError(f"at most {MAX_ORIGINS} origins")
    return sorted({web_origin(value) for value in values})
