"""Per-request context (request id, client IP, user agent) carried in a ContextVar."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from uuid import UUID

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass
class RequestActor:
    """Who the request acts as, filled in by authentication and read by the audit layer.

    Mutable on purpose: dependencies run in worker threads with a copy of the context, so a new
    ContextVar value set there would never reach the middleware, but a change to this shared object does.
    """

    tenant_id: UUID | None = None
    kind: str = "anonymous"
    id: str = ""


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    client_ip: str | None
    user_agent: str
    actor: RequestActor = field(default_factory=RequestActor)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_current: ContextVar[RequestContext | None] = ContextVar("engium_request_context", default=None)


def current_request_context() -> RequestContext | None:
    return _current.get()


def client_ip_for(request: Request, trusted_proxies: Sequence[Network]) -> str | None:
    """The socket peer, unless it is an explicitly trusted proxy; then the nearest untrusted hop."""
    peer = request.client.host if request.client else None
    if peer is not None:
        try:
            ipaddress.ip_address(peer)
        except ValueError:
            peer = None  # not an IP (e.g. a Unix socket peer): record none rather than a guess
    if peer is None or not trusted_proxies:
        return peer
    chain = [peer]
    forwarded = request.headers.get("x-forwarded-for", "")
    chain.extend(reversed([hop.strip() for hop in forwarded.split(",") if hop.strip()]))
    for hop in chain:
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not any(address in net for net in trusted_proxies):
            return hop
    return chain[-1]


class RequestContextMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware overhead): sets the context, echoes the request id."""

    def __init__(self, app: ASGIApp, trusted_proxies: Sequence[Network]) -> None:
        self.app = app
        self.trusted_proxies = tuple(trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        incoming = request.headers.get("x-request-id", "")
        valid = 8 <= len(incoming) <= 64 and all(c.isalnum() or c in "-_" for c in incoming)
        request_id = incoming if valid else uuid.uuid4().hex
        ctx = RequestContext(
            request_id=request_id,
            client_ip=client_ip_for(request, self.trusted_proxies),
            user_agent=request.headers.get("user-agent", "")[:256],
        )

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Request-Id"] = request_id
            await send(message)

        token = _current.set(ctx)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            _current.reset(token)
