"""One wording for outbound HTTP failures, safe to store and show: never the URL, body or headers."""

from __future__ import annotations

import httpx2


def describe_http_error(exc: httpx2.HTTPError) -> str:
    # The exception's own message can quote the URL (with a token in its query) or a response body.
    if isinstance(exc, httpx2.TimeoutException):
        return "timed out"
    if isinstance(exc, httpx2.ConnectError):
        return "could not connect"
    return f"request failed ({type(exc).__name__})"
