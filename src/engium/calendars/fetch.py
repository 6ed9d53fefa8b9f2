"""Fetching a staff member's ICS address through the webhooks' SSRF guard (webhooks/ssrf.py).

The address is the business's to choose, so it is treated exactly like a webhook URL: https only, every
address the name resolves to must be public (no loopback, private network or metadata service), and the
connection goes to the address that was checked. Redirects are followed by hand, at most
``MAX_REDIRECTS`` of them, each new location checked by the guard again. The body is read up to
``MAX_BYTES`` and the whole fetch is bounded by the webhook timeouts (``ENGIUM_WEBHOOKS_*``). The result's
error is written for the business and never quotes the address, a header or the body.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx2

from engium.kit.http_errors import describe_http_error
from engium.webhooks import ssrf
from engium.webhooks.settings import WebhookSettings

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
USER_AGENT = "Engium-Calendar/1"


@dataclass(frozen=True)
class Fetched:
    body: bytes | None = None
    error: str | None = None


def _get(destination: ssrf.Destination, settings: WebhookSettings) -> tuple[int, str | None, bytes | None]:
    """(status, Location, body): the body only for a 2xx, and only up to MAX_BYTES (None beyond). ``trust_env``
    off: an environment proxy would connect to the host name itself and undo the pinning."""
    extensions = {"sni_hostname": destination.host} if destination.scheme == "https" else {}
    timeout = httpx2.Timeout(settings.timeout_seconds, connect=settings.connect_timeout_seconds)
    headers = {"Host": destination.host_header, "User-Agent": USER_AGENT, "Accept": "text/calendar, */*"}
    with (
        httpx2.Client(follow_redirects=False, trust_env=False, timeout=timeout) as client,
        client.stream("GET", destination.pinned_url, headers=headers, extensions=extensions) as response,
    ):
        if not 200 <= response.status_code < 300:
            return response.status_code, response.headers.get("location"), b""
        received = bytearray()
        for chunk in response.iter_bytes():
            received += chunk
            if len(received) > MAX_BYTES:
                return response.status_code, None, None
        return response.status_code, None, bytes(received)


Getter = Callable[[ssrf.Destination, WebhookSettings], tuple[int, str | None, bytes | None]]


def fetch_calendar(url: str, settings: WebhookSettings, resolver: ssrf.Resolver | None = None,
                   getter: Getter = _get) -> Fetched:
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        try:
            destination = ssrf.check(current, settings, resolver)
        except ssrf.UnsafeDestination as exc:
            return Fetched(error=f"refused: {_calendar_wording(str(exc))}")
        try:
            status, location, body = getter(destination, settings)
        except httpx2.HTTPError as exc:
            return Fetched(error=describe_http_error(exc))
        if 300 <= status < 400 and location:
            current = urljoin(current, location)
            continue
        if not 200 <= status < 300:
            return Fetched(error=f"HTTP {status}")
        if body is None:
            return Fetched(error=f"the calendar is larger than {MAX_BYTES // (1024 * 1024)} MiB")
        return Fetched(body=body)
    return Fetched(error=f"more than {MAX_REDIRECTS} redirects")


def check_address(url: str, settings: WebhookSettings, resolver: ssrf.Resolver | None = None) -> None:
    """Raises :class:`ssrf.UnsafeDestination` (worded for a calendar) when the guard refuses ``url``."""
    try:
        ssrf.check(url, settings, resolver)
    except ssrf.UnsafeDestination as exc:
        raise ssrf.UnsafeDestination(_calendar_wording(str(exc))) from None


def _calendar_wording(message: str) -> str:
    return message.replace("webhooks may only call public addresses", "calendars are only fetched from public "
                                                                     "addresses")


def address_hint(url: str) -> str:
    """What the business sees of a stored address: scheme and host, never the path or query (Google's
    secret address carries its key in the path)."""
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme.lower()}://{host.lower()}/…"[:300]
