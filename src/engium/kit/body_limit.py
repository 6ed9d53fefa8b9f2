"""A cap on request bodies, enforced before any route (or its authentication) reads them.

The framework reads and parses a whole body before a route's dependencies run, so without a cap an
anonymous client decides how much memory a request costs. Each request gets the cap of the first
:class:`BodyLimit` whose pattern matches its path, else the default, and over it is answered 413:

* at once, without reading anything, when ``Content-Length`` declares more than the cap;
* for a body without one (chunked), as soon as the bytes received pass the cap. The application then
  sees the client as gone, and whatever it answers to that is dropped: the client gets the 413.

The 413 closes the connection, so the server does not go on reading what the client still sends.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engium.errors import error_body


@dataclass(frozen=True)
class BodyLimit:
    """Requests whose whole path matches ``path`` may send at most ``max_bytes`` of body."""

    path: re.Pattern[str]
    max_bytes: int


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            if not value.isdigit():
                return None  # malformed: the server refuses it; counting still applies if it does not
            # More digits than any cap has is over every cap; this also keeps int() off absurd lengths.
            return int(value) if len(value) <= 18 else sys.maxsize
    return None


async def _refuse(scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
    message = f"the request body is larger than this endpoint's limit of {max_bytes} bytes"
    body = error_body("payload_too_large", message)
    await JSONResponse(body, status_code=413, headers={"Connection": "close"})(scope, receive, send)


class _CappedExchange:
    """One request's receive and send, counting body bytes and refusing the request past ``max_bytes``."""

    def __init__(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        self._scope = scope
        self._receive = receive
        self._send = send
        self._max_bytes = max_bytes
        self._received = 0
        self._response_started = False
        self.refused = False

    async def receive(self) -> Message:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] != "http.request":
            return message
        self._received += len(message.get("body", b""))
        if self._received <= self._max_bytes:
            return message
        self.refused = True
        if not self._response_started:
            await _refuse(self._scope, self._receive, self._send, self._max_bytes)
        # Past the cap the request is over for the application, as if the client had left.
        return {"type": "http.disconnect"}

    async def send(self, message: Message) -> None:
        if self.refused:
            return  # the 413 is the response; the application's answer to the cut-off body is moot
        if message["type"] == "http.response.start":
            self._response_started = True
        await self._send(message)


class BodyLimitMiddleware:
    """Pure ASGI, so it runs before routing and before the framework buffers anything."""

    def __init__(self, app: ASGIApp, *, limits: Sequence[BodyLimit], default_max_bytes: int) -> None:
        self.app = app
        self.limits = tuple(limits)
        self.default_max_bytes = default_max_bytes

    def max_bytes_for(self, path: str) -> int:
        for limit in self.limits:
            if limit.path.fullmatch(path):
                return limit.max_bytes
        return self.default_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.max_bytes_for(str(scope["path"]))
        declared = _declared_length(scope)
        if declared is not None and declared > max_bytes:
            await _refuse(scope, receive, send, max_bytes)
            return
        exchange = _CappedExchange(scope, receive, send, max_bytes)
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except Exception:
            # After a refusal the application may fail on the body it never got (a client-disconnect
            # error); the 413 has been sent, so that is the expected end of the request, not a fault.
            if not exchange.refused:
                raise
