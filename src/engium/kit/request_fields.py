"""Request field types that accept what the API document says they accept, and nothing else.

Pydantic's lax mode turns ``0`` into false, ``"5"`` into 5, ``1700000000`` into a datetime and ``"0"`` into
a date. Handy inside Python; on the wire, a client reading the document cannot know it, and a mistake
is taken as a value. Request bodies therefore use pydantic's ``StrictBool`` and ``StrictFloat`` (a JSON
number is already a number) and :data:`WholeNumber`, and the types here cover what strictness cannot:
dates and times arrive as text (query strings always, JSON bodies for want of a date type), so they are
checked against the format their schema declares before pydantic parses them. Where a check is stricter
than the JSON Schema format (e-mail addresses), the schema says how (ADR 0020).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Annotated, Any

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import AwareDatetime, BeforeValidator, EmailStr, WithJsonSchema

# JSON Schema's "date" (RFC 3339 full-date).
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# JSON Schema's "date-time" (RFC 3339): seconds and a UTC offset are required.
RFC3339_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
# A wall-clock minute without an offset, as the server also writes it: "09:30", "09:30:00".
LOCAL_MINUTE_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9](:00)?$"
_LOCAL_MINUTE = re.compile(LOCAL_MINUTE_PATTERN)
# What the server writes for such a time: "09:30:00".
LOCAL_TIME_OUT_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]$"
# At least one character that is not white space: JSON Schema's pattern matches anywhere in the string.
NOT_BLANK_PATTERN = r"\S"


def _text_matching(pattern: re.Pattern[str], kind: type, example: str) -> BeforeValidator:
    def check(value: Any) -> Any:
        if isinstance(value, kind):
            return value  # built by the server itself, not read from a request
        if not isinstance(value, str) or not pattern.fullmatch(value):
            raise ValueError(f"give a {kind.__name__} as text, such as {example!r}")
        return value

    return BeforeValidator(check)


# datetime is a subclass of date: a date field given a datetime object is left to pydantic to refuse.
IsoDate = Annotated[date, _text_matching(ISO_DATE, date, "2030-05-06")]
IsoDatetime = Annotated[AwareDatetime, _text_matching(RFC3339_DATETIME, datetime, "2030-05-06T09:00:00-04:00")]
# Declared by pattern, not as JSON Schema's "time", which requires seconds and a UTC offset: these are
# wall-clock times in the business's zone.
LocalMinute = Annotated[
    time,
    _text_matching(_LOCAL_MINUTE, time, "09:30"),
    WithJsonSchema({"type": "string", "pattern": LOCAL_MINUTE_PATTERN}),
]
# The same times in responses, as the server writes them.
LocalTime = Annotated[time, WithJsonSchema({"type": "string", "pattern": LOCAL_TIME_OUT_PATTERN})]


def _number(value: Any) -> Any:
    # JSON Schema's integer includes 5.0, which pydantic turns into 5 (and refuses 5.5); text and booleans
    # are not numbers.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("give a number")
    return value


WholeNumber = Annotated[int, BeforeValidator(_number)]


def _any_case(word: str) -> str:
    # JSON Schema's patterns have no flags: "test" as [Tt][Ee][Ss][Tt].
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)


# pydantic's EmailStr (email-validator) refuses two kinds of addresses that JSON Schema's "email" allows: a
# domain without a dot, and the special-use names that no mail reaches (someone@shop.test, ...local).
_SPECIAL_USE = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
EMAIL_PATTERN = rf"^[^@]+@(?!(.*\.)?({_SPECIAL_USE})\.?$)[^@]+\.[^@]+$"
EmailAddress = Annotated[EmailStr, WithJsonSchema({"type": "string", "format": "email", "pattern": EMAIL_PATTERN})]


def _query_flag(value: Any) -> Any:
    # A query string carries text; OpenAPI serialises a boolean as "true" or "false", and only those mean one.
    if isinstance(value, bool) or value in ("true", "false"):
        return value
    raise ValueError("give true or false")


QueryFlag = Annotated[bool, BeforeValidator(_query_flag)]


def not_nullable(*fields: str) -> Callable[[dict[str, Any]], None]:
    """``json_schema_extra`` of an update (PATCH) model whose ``fields`` may be left out but not set to null.

    They are ``X | None = None`` in Python so that "left out" shows in ``model_fields_set``, and the model
    refuses an explicit null; the document must not offer null (or a null default) for them either.
    """

    def drop_null(schema: dict[str, Any]) -> None:
        for name in fields:
            declared = schema["properties"][name]
            declared.pop("default", None)
            options = [option for option in declared.pop("anyOf", []) if option != {"type": "null"}]
            if len(options) == 1:
                declared.update(options[0])
            elif options:
                declared["anyOf"] = options

    return drop_null


def at_least_one_given(*fields: str) -> dict[str, Any]:
    """``json_schema_extra`` of a model that needs at least one of ``fields`` present and not null."""
    return {"anyOf": [{"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in fields]}
