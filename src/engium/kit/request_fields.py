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
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, EmailStr, WithJsonSchema

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
# The characters Python's str.strip() and str.isspace() take as white space, spelled out for patterns:
# "\s" means different sets in different engines (ECMA-262's, which JSON Schema names, leaves out
# \x1c-\x1f and \x85 and adds \ufeff), so a declared pattern that said "\s" would disagree with the server.
WHITESPACE = "".join(f"\\u{code:04x}" for code in range(0x10000) if chr(code).isspace())
# At least one character that is not white space, and no NUL character (which PostgreSQL cannot store).
NOT_BLANK_PATTERN = rf"^[^\u0000]*[^{WHITESPACE}\u0000][^\u0000]*$"


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


# After any Field constraints in an Annotated type (Annotated[int, Field(ge=1), NUMBER_ONLY]): placed before
# them, it hides them from the document.
NUMBER_ONLY = BeforeValidator(_number)
WholeNumber = Annotated[int, NUMBER_ONLY]


def _any_case(word: str) -> str:
    # JSON Schema's patterns have no flags: "test" as [Tt][Ee][Ss][Tt].
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)


# The e-mail addresses the API takes: ASCII ones that pydantic's EmailStr (email-validator) accepts too,
# declared exactly, because JSON Schema's "email" allows far more than a mail system delivers to (0@0.0).
# Bounded by the quantifiers rather than by lookaheads (which fuzzers cannot generate from): at most 64
# characters before the @ (up to two dots), up to four labels after it, no "--" (email-validator refuses
# most of them and Punycode needs IDNA to check), and a top-level domain of letters that is not one of the
# special-use names no mail reaches (someone@shop.test, ...local). tests/kit/test_request_fields.py checks
# that email-validator accepts every address of this shape.
_ATEXT = r"[A-Za-z0-9_!#$%&'*+/=?^`{|}~-]"
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,38}[A-Za-z0-9])?"
_SPECIAL_USE = "|".join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)
EMAIL_PATTERN = (
    rf"^{_ATEXT}{{1,32}}(\.{_ATEXT}{{1,15}}){{0,2}}@(?![^@]*--)({_LABEL}\.){{1,3}}(?!({_SPECIAL_USE})$)[A-Za-z]{{2,24}}$"
)
_EMAIL = re.compile(EMAIL_PATTERN)


def _email_shaped(value: Any) -> Any:
    if not isinstance(value, str) or not _EMAIL.fullmatch(value):
        raise ValueError("give an e-mail address such as 'someone@example.com' (ASCII letters only)")
    return value


EmailAddress = Annotated[
    EmailStr,
    BeforeValidator(_email_shaped),
    WithJsonSchema({"type": "string", "format": "email", "pattern": EMAIL_PATTERN}),
]


def _refuse_nul(value: str) -> str:
    # Text that is stored is refused by PostgreSQL anyway; this is for text that is not (a search query).
    if "\x00" in value:
        raise ValueError("text cannot contain a NUL character")
    return value


# The document declares every plain string NUL-free (engium.api_document); text that never reaches a
# column must refuse NUL itself.
NUL_FREE = AfterValidator(_refuse_nul)


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


def exactly_one_given(*fields: str) -> dict[str, Any]:
    """``json_schema_extra`` of a model that needs exactly one of ``fields`` present and not null."""
    return {"oneOf": [{"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in fields]}
