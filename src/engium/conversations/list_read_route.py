"""``GET /api/v1/conversations`` without FastAPI's routing and dependency solving, for the plain requests
that carry the volume (ADR 0049).

The list read is already one database round trip on the event loop (ADR 0034); what was left between it and
the bare server was mostly framework work per request: matching the path against the API's routes and
solving the route's dependencies (security schemes, the paging dependency, the read transaction as an
async generator in an exit stack). :class:`ConversationListRoute` sits first in the application's routes and
takes a request only when it understands all of it:

* ``GET`` on exactly this path;
* a query string that is empty or holds at most one ``limit`` (a plain decimal 1..200, as the document
  allows) and one ``cursor`` (the document's cursor shape), nothing else: no filters, no repeats, no
  percent-encoding, no blank values.

Anything else (``HEAD``, a filter, ``limit=050``, a bad cursor, an unknown parameter) does not match, so the
router goes on to the FastAPI route, which answers exactly as before: its 400/422 and their precedence are
untouched because they are never produced here. What this route answers it answers with the same code as
the FastAPI route: the same :func:`engium.access.read_transaction.read_transaction` (credential, tenant
binding and page in one round trip, 401/403 with the same messages, raised to the same exception handlers)
and the same :func:`conversation_page`. The API document still describes the FastAPI route, which stays.
"""

from __future__ import annotations

import re
from typing import Any

from starlette._utils import get_route_path  # the path as Starlette's router matches it (root_path removed)
from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import Receive, Scope, Send

from engium.access.permissions import Permission
from engium.access.read_transaction import ReadTransaction, read_transaction
from engium.conversations import repository as repo
from engium.conversations.schemas import ConversationOut
from engium.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest, decode_cursor, is_cursor, page_json

CONVERSATION_FIELDS = tuple(ConversationOut.model_fields)
# A limit as a client writes one: no sign, no leading zero, no spaces (pydantic would accept more; those
# requests go to the FastAPI route, which parses them as it always has).
_PLAIN_LIMIT = re.compile(r"[1-9][0-9]{0,2}")
# Where matches() leaves the page it parsed, for handle() (a key of this module's own in the ASGI scope).
_PAGE_KEY = "engium.plain_page"


async def conversation_page(
    read: ReadTransaction, page: PageRequest, filters: dict[str, Any] | None = None
) -> tuple[list[tuple[Any, ...]], tuple[str, ...]]:
    """One page of conversations, fetched in the read's round trip: the rows and their column names."""
    params = repo.conversation_page_params(cursor=page.cursor, limit=page.limit, **(filters or {}))
    query, columns = repo.conversation_page_sql(params)
    return await read.fetch_and_commit(query, params), columns


def plain_page_request(query_string: bytes) -> PageRequest | None:
    """The page a plain query string asks for, or None when it is anything but plain (see the module)."""
    if not query_string:
        return PageRequest(cursor=None, limit=DEFAULT_LIMIT)
    limit: int | None = None
    cursor: str | None = None
    for part in query_string.split(b"&"):
        name, equals, raw = part.partition(b"=")
        if not equals or not raw.isascii():
            return None
        value = raw.decode("ascii")
        if name == b"limit" and limit is None and _PLAIN_LIMIT.fullmatch(value) and int(value) <= MAX_LIMIT:
            limit = int(value)
        elif name == b"cursor" and cursor is None and is_cursor(value):
            cursor = value
        else:
            return None
    return PageRequest(cursor=decode_cursor(cursor), limit=DEFAULT_LIMIT if limit is None else limit)


class ConversationListRoute(BaseRoute):
    """The plain ``GET`` of the conversation list, matched before every other route (see the module)."""

    def __init__(self, path: str) -> None:
        self.path = path
        # What the router and its telemetry read of a matched route; the template has no parameters.
        self.path_format = path
        self.name = "list_conversations_plain"

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http" and scope.get("method") == "GET" and get_route_path(scope) == self.path:
            page = plain_page_request(scope.get("query_string", b""))
            if page is not None:
                # The router merges this into the request's scope: handle() reads the page parsed here.
                return Match.FULL, {"path_params": {}, _PAGE_KEY: page}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        page: PageRequest = scope[_PAGE_KEY]
        request = Request(scope, receive)
        async with read_transaction(request, Permission.CONVERSATIONS_READ) as read:
            rows, columns = await conversation_page(read, page)
        response = page_json(rows, columns, page, CONVERSATION_FIELDS, sort_key="last_message_at")
        await response(scope, receive, send)
