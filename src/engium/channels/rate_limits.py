"""What every public channel endpoint shares: bounded body reading, generic refusals, failure limits.

* The body is read as raw bytes with a cap enforced twice: a declared ``Content-Length`` over the cap
  is refused before reading anything, and a streamed (chunked) body is cut off as soon as it passes
  the cap, so an endless upload costs at most ``cap`` bytes of memory.
* Every refusal of authentication says the same thing (:data:`GENERIC_401`): no reason, no expected
  value. The reason goes to the server log (at INFO, without any request content).
* Failures are counted per source address; past the limit, the source gets 429 before any database
  or cryptographic work is done for it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Annotated

from fastapi import Depends, Request

from engium.channels.settings import FAILURES_PER_MINUTE, WIDGET_REQUESTS_PER_MINUTE
from engium.channels.verify.webhook_common import DEFAULT_MAX_BODY_BYTES
from engium.context import current_request_context
from engium.errors import AppError

log = logging.getLogger(__name__)


class ChannelUnauthorized(AppError):
    """The one answer to any unauthenticated channel request."""

    status_code = 401
    code = "unauthorized"

    def __init__(self) -> None:
        super().__init__("invalid signature")


class PayloadTooLarge(AppError):
    status_code = 413
    code = "payload_too_large"

    def __init__(self) -> None:
        super().__init__("request body too large")


class Throttled(AppError):
    status_code = 429
    code = "rate_limited"

    def __init__(self) -> None:
        super().__init__("too many requests")


class FailureLimiter:
    """Sliding-window counts per key, checked without counting (``blocked``) and counted on failure.

    ``identity.throttle.SlidingWindowLimiter`` counts every call it allows; here only failures count,
    so a busy legitimate sender is never throttled by its own successes.
    """

    def __init__(self, limit: int, window_seconds: float = 60.0) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] > self.window:
            hits.popleft()
        return hits

    def blocked(self, key: str) -> bool:
        with self._lock:
            return len(self._trim(key, time.monotonic())) >= self.limit

    def hit(self, key: str) -> bool:
        """Counts one event; True while the key is still under the limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._trim(key, now)
            hits.append(now)
            if len(self._hits) > 100_000:
                # Bound memory under a spray of distinct sources: forget idle ones.
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] <= self.window}
            return len(hits) <= self.limit


class ChannelLimits:
    """Per-process limiters, hung on ``app.state.channel_limits``; ``create_app`` sizes them from
    ``ENGIUM_CHANNELS_FAILURES_PER_MINUTE`` and ``ENGIUM_CHANNELS_WIDGET_REQUESTS_PER_MINUTE``."""

    def __init__(
        self, failures_per_minute: int = FAILURES_PER_MINUTE, widget_per_minute: int = WIDGET_REQUESTS_PER_MINUTE
    ) -> None:
        self.failures = FailureLimiter(failures_per_minute)
        self.widget = FailureLimiter(widget_per_minute)


def limits_of(request: Request) -> ChannelLimits:
    limits: ChannelLimits | None = getattr(request.app.state, "channel_limits", None)
    if limits is None:
        limits = ChannelLimits()
        request.app.state.channel_limits = limits
    return limits


def source_of(request: Request) -> str:
    ctx = current_request_context()
    return (ctx.client_ip if ctx else None) or "unknown"


async def capped_body(request: Request) -> bytes:
    """The raw body, at most ``DEFAULT_MAX_BODY_BYTES``; refused early when the source is throttled."""
    if limits_of(request).failures.blocked(source_of(request)):
        raise Throttled()
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit() or len(declared) > 12:
            raise ChannelUnauthorized()
        if int(declared) > DEFAULT_MAX_BODY_BYTES:
            raise PayloadTooLarge()
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > DEFAULT_MAX_BODY_BYTES:
            raise PayloadTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)


RawBody = Annotated[bytes, Depends(capped_body)]


def refuse(request: Request, provider: str, reason: str) -> ChannelUnauthorized:
    """Counts the failure against the source and returns the generic 401 to raise."""
    source = source_of(request)
    limits_of(request).failures.hit(source)
    # The reason and provider only: never headers, body, secrets or the expected signature.
    log.info("inbound %s request refused: %s", provider, reason)
    return ChannelUnauthorized()
