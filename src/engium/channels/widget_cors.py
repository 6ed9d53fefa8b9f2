"""Cross-origin access to the widget API, decided per tenant by its allowed origins (ADR 0017).

Starlette's ``CORSMiddleware`` takes one fixed list for the whole application; here each tenant lists
the websites that may embed its widget (``tenant_settings.widget_allowed_origins``), so this small ASGI
layer in front of ``/widget/v1`` decides instead:

* No ``Origin`` header: not a browser's cross-origin request (a server, curl, the tests). Passed
  through untouched, as before. Neither is a request from Engium's own origin.
* A preflight (``OPTIONS`` with ``Access-Control-Request-Method``) carries header *names* but no
  values, so no widget key: it is answered here, without reaching the app, after one indexed lookup
  (``widget_origin_listed``: does any tenant list this origin?). Listed: 204 with the CORS headers,
  cached by the browser for :data:`PREFLIGHT_MAX_AGE_SECONDS`. Not listed: 403 without them.
* Any other request with an ``Origin``: ``widget_origin_allowed(X-Widget-Key, Origin)`` must hold, i.e.
  the tenant that holds this very key lists this very origin. Otherwise 403 before the request reaches a
  route, so a public widget key copied onto another website is worth nothing there. Allowed: the
  response, error or not, carries ``Access-Control-Allow-Origin`` for that origin (and ``Vary: Origin``).

Both lookups are SECURITY DEFINER functions that answer a boolean (migration 0013); no tenant is bound
and nothing else is read. ``/widget/v1/widget.js`` is a script anyone may load and is left alone.
Credentials (cookies) are never allowed: the widget authenticates with headers only.
"""

from __future__ import annotations

import json

import anyio
from sqlalchemy import text
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engium.errors import error_body
from engium.kit.database import Database

WIDGET_API_PREFIX = "/widget/v1/"
SCRIPT_PATH = "/widget/v1/widget.js"
ALLOWED_METHODS = "GET, POST, PUT"
ALLOWED_HEADERS = ", ".join((
    "Content-Type", "X-Widget-Key", "X-Widget-Token", "X-Widget-User-Id", "X-Widget-User-Expires",
    "X-Widget-User-Signature",
))
# The widget reads these from responses: the request id for support, Retry-After when throttled.
EXPOSED_HEADERS = "X-Request-Id, Retry-After"
PREFLIGHT_MAX_AGE_SECONDS = 600
MAX_ORIGIN_CHARS = 300
MAX_WIDGET_KEY_CHARS = 128
REFUSAL = error_body("origin_not_allowed", "This website is not allowed to use this chat widget")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL such as ``ENGIUM_PUBLIC_URL``, as a browser writes an origin."""
    scheme, _, rest = url.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"


class WidgetCorsMiddleware:
    def __init__(self, app: ASGIApp, database: Database, own_origin: str) -> None:
        self.app = app
        self.database = database
        self.own_origin = own_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or not path.startswith(WIDGET_API_PREFIX) or path == SCRIPT_PATH:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None or origin == self.own_origin:
            await self.app(scope, receive, send)
            return
        if scope.get("method") == "OPTIONS" and "access-control-request-method" in headers:
            listed = await anyio.to_thread.run_sync(self._listed, origin)
            await self._preflight(send, origin if listed else None)
            return
        key = headers.get("x-widget-key", "")
        if not await anyio.to_thread.run_sync(self._allowed, key, origin):
            await _refuse(send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                response_headers = MutableHeaders(scope=message)
                response_headers["Access-Control-Allow-Origin"] = origin
                response_headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
                response_headers.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    def _listed(self, origin: str) -> bool:
        if not _plausible(origin):
            return False
        with self.database.transaction() as session:
            return bool(session.execute(text("select widget_origin_listed(:o)"), {"o": origin}).scalar())

    def _allowed(self, key: str, origin: str) -> bool:
        if not _plausible(origin) or not key or len(key) > MAX_WIDGET_KEY_CHARS or not key.isascii():
            return False
        with self.database.transaction() as session:
            found = session.execute(text("select widget_origin_allowed(:k, :o)"), {"k": key, "o": origin}).scalar()
            return bool(found)

    @staticmethod
    async def _preflight(send: Send, origin: str | None) -> None:
        if origin is None:
            await _refuse(send)
            return
        headers = [
            (b"access-control-allow-origin", origin.encode("latin-1")),
            (b"access-control-allow-methods", ALLOWED_METHODS.encode()),
            (b"access-control-allow-headers", ALLOWED_HEADERS.encode()),
            (b"access-control-max-age", str(PREFLIGHT_MAX_AGE_SECONDS).encode()),
            (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
            (b"content-length", b"0"),
        ]
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _plausible(origin: str) -> bool:
    """Cheap shape checks before a database round trip; the comparison itself is exact."""
    return 0 < len(origin) <= MAX_ORIGIN_CHARS and origin.isascii() and origin.startswith(("http://", "https://"))


async def _refuse(send: Send) -> None:
    body = json.dumps(REFUSAL).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body})
