"""One JSON POST to a model API over httpx2, with the failure modes reduced to secret-free summaries.

A client per call, as in channels/providers.py: a model call takes seconds, so the saved handshake
would not matter, and nothing long-lived has to be closed. Redirects are never followed (a 3xx from a
model API is not something to chase with the key attached) and proxy variables of the environment are
ignored (``trust_env=False``): the base URL setting is the one place that decides where prompts go.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx2

from engium.ai.gateway.provider import ProviderError
from engium.kit.http_errors import describe_http_error

USER_AGENT = "Engium-ModelGateway/1"
# Far above any completion the gateway asks for (max_tokens <= 4096); a larger body is not an answer.
MAX_RESPONSE_BYTES = 2 * 1024 * 1024


def post_json(
    url: str,
    payload: Mapping[str, Any],
    headers: Mapping[str, str],
    *,
    timeout_seconds: float,
    connect_timeout_seconds: float,
) -> dict[str, Any]:
    timeout = httpx2.Timeout(timeout_seconds, connect=connect_timeout_seconds)
    all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **headers}
    try:
        with (
            httpx2.Client(follow_redirects=False, trust_env=False, timeout=timeout) as client,
            client.stream("POST", url, json=dict(payload), headers=all_headers) as response,
        ):
            if not 200 <= response.status_code < 300:
                # The body is not quoted: providers echo parts of keys ("Incorrect API key provided: sk-...").
                raise ProviderError(f"HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_RESPONSE_BYTES:
                    raise ProviderError("response too large")
    except httpx2.HTTPError as exc:
        raise ProviderError(describe_http_error(exc)) from None
    try:
        parsed = json.loads(body)
    except ValueError:
        raise ProviderError("malformed response (not JSON)") from None
    if not isinstance(parsed, dict):
        raise ProviderError("malformed response (not an object)")
    return parsed


def endpoint_host(url: str) -> str:
    """host[:port] of a URL as written ([::1]:8080 for IPv6), for receipts; never userinfo."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def token_count(value: object) -> int:
    """A usage count from a provider's JSON; anything but a non-negative integer counts as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0
