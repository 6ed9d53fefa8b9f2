"""Keyset cursors: stable under inserts, no OFFSET scans.

A cursor is the position of the last row shown: its sort time in microseconds since 1970 (UTC) and its
id, ``1767225600000000.0f8fad5bd9cb469fa16570867728950e``. Clients treat it as opaque, but the document
declares its exact shape (:data:`CURSOR_PATTERN`), so any text of that shape is a valid position; other
text is refused with 400 (ADR 0020).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel
from pydantic_core import to_json
from starlette.responses import Response

from engium.errors import BadRequest

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

# 17 digits reach the year 5138: every time a row can have, and nothing datetime cannot hold.
CURSOR_PATTERN = r"^[0-9]{1,17}\.[0-9a-f]{32}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class Cursor:
    at: datetime
    id: UUID


def encode_cursor(at: datetime, id_: UUID) -> str:
    return f"{(at - _EPOCH) // _MICROSECOND}.{id_.hex}"


def is_cursor(value: str) -> bool:
    """Whether ``value`` has the cursor's shape (:data:`CURSOR_PATTERN`)."""
    return _CURSOR.fullmatch(value) is not None


def decode_cursor(value: str | None) -> Cursor | None:
    if value is None:
        return None
    if not is_cursor(value):
        raise BadRequest("Invalid cursor")
    micros, id_hex = value.split(".")
    return Cursor(at=_EPOCH + int(micros) * _MICROSECOND, id=UUID(hex=id_hex))


@dataclass(frozen=True)
class PageRequest:
    cursor: Cursor | None
    limit: int


async def page_request(
    cursor: Annotated[
        str | None,
        # Declared, not enforced by the framework: text of another shape gets decode_cursor's 400.
        Query(description="next_cursor of the previous page", json_schema_extra={"pattern": CURSOR_PATTERN}),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> PageRequest:
    return PageRequest(cursor=decode_cursor(cursor), limit=limit)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def page_json(
    rows: list[tuple[Any, ...]], columns: tuple[str, ...], page: PageRequest, fields: tuple[str, ...], *, sort_key: str
) -> Response:
    """A page of database rows as the JSON response ``Page[Out]`` would be, without building the models.

    ``rows`` come one past ``page.limit`` (there is a next page when that one is there) with ``columns``;
    ``fields`` are the output model's, in its order, each a column. pydantic's own serializer writes the
    values, so the bytes are the model's (tests/conversations/test_list_read.py compares them); the values
    are the database's typed columns, which the model would only pass through."""
    positions = [columns.index(name) for name in fields]
    items = [{name: row[at] for name, at in zip(fields, positions, strict=True)} for row in rows[: page.limit]]
    next_cursor = None
    if len(rows) > page.limit:
        last = rows[page.limit - 1]
        next_cursor = encode_cursor(last[columns.index(sort_key)], last[columns.index("id")])
    return Response(to_json({"items": items, "next_cursor": next_cursor}), media_type="application/json")
