"""A minimal SQLAlchemy type for pgvector's ``vector(n)``.

The ``pgvector`` Python package is not a declared dependency; this is all the storage layer needs:
the column type for the models (and for reflection in the schema drift test), and the text literal
form ``[0.1,0.2,...]`` that PostgreSQL casts to ``vector``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.types import UserDefinedType


def to_literal(values: Sequence[float]) -> str:
    """The text form PostgreSQL casts to ``vector``; refuses NaN and infinity, which pgvector rejects."""
    if not all(math.isfinite(v) for v in values):
        raise ValueError("vector components must be finite")
    return "[" + ",".join(repr(float(v)) for v in values) + "]"


def from_literal(value: str) -> list[float]:
    return [float(v) for v in value.strip("[]").split(",")] if value.strip("[]") else []


class Vector(UserDefinedType[list[float]]):
    cache_ok = True

    def __init__(self, dimensions: int | None = None) -> None:
        self.dimensions = dimensions

    def get_col_spec(self, **kw: Any) -> str:
        return "vector" if self.dimensions is None else f"vector({self.dimensions})"

    def bind_processor(self, dialect: Any) -> Callable[[Sequence[float] | None], str | None]:
        def process(value: Sequence[float] | None) -> str | None:
            return None if value is None else to_literal(value)

        return process

    def result_processor(self, dialect: Any, coltype: Any) -> Callable[[str | None], list[float] | None]:
        def process(value: str | None) -> list[float] | None:
            return None if value is None else from_literal(value)

        return process


# Reflection (the schema drift test) then reads vector(384) back as this type instead of NullType.
ischema_names.setdefault("vector", Vector)
