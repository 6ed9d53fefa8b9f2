"""Opaque keyset cursors: stable under inserts, no OFFSET scans."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Generic, TypeVar
from uuid import UUID

from fastapi import Query
from pydantic import BaseModel

from engium.errors import BadRequest

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass(frozen=True)
class Cursor:
    at: datetime
    id: UUID


def encode_cursor(at: datetime, id_: UUID) -> str:
    raw = json.dumps([at.isoformat(), str(id_)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str | None) -> Cursor | None:
    if not value:
        return None
    try:
        padded = value + "=" * (-len(value) % 4)
        at, id_ = json.loads(base64.urlsafe_b64decode(padded))
        return Cursor(at=datetime.fromisoformat(at), id=UUID(id_))
    except (ValueError, TypeError) as exc:
        raise BadRequest("Invalid cursor") from exc


@dataclass(frozen=True)
class PageRequest:
    cursor: Cursor | None
    limit: int


async def page_request(
    cursor: Annotated[str | None, Query(max_length=200, description="Opaque cursor from next_cursor")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> PageRequest:
    return PageRequest(cursor=decode_cursor(cursor), limit=limit)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None
