"""The OpenAPI document (``/api/v1/openapi.json``): FastAPI's, completed with what it cannot see.

FastAPI documents the success response and, for routes with parameters, a 422 in its own error shape.
What the server really answers is richer, and it is the same for every operation, so it is added here
in one place rather than route by route (ADR 0020):

* every error status of :data:`engium.errors.DOCUMENTED_ERRORS`, with the one error body
  (:class:`engium.errors.ErrorBody`), on every operation; a description a route gave for one of them
  (``responses={409: ...}``) is kept;
* 415 on operations that take a file upload (``multipart/form-data``);
* that text never holds a NUL character: PostgreSQL cannot store one, so the server refuses it (422).
  Every string without a format, an enum or a pattern of its own is declared NUL-free, and free-form
  JSON objects (opening hours, escalation rules) are declared as JSON whose texts and keys are NUL-free.

How to authenticate is FastAPI's to document: ``access.authentication.authenticate`` declares its two
security schemes, so every operation that needs the API's credentials lists them and the public ones
(sign-in, redeeming an invitation, the widget, the providers' webhooks) list none.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

from engium.errors import DOCUMENTED_ERRORS, UNSUPPORTED_MEDIA_TYPE, ErrorBody

SCHEMAS = "#/components/schemas/"
RESPONSES = "#/components/responses/"
NUL_FREE_PATTERN = r"^[^\u0000]*$"
JSON_VALUE = "JsonValue"
# Any JSON value whose texts (keys included) hold no NUL character: what a jsonb column stores.
JSON_VALUE_SCHEMA: dict[str, Any] = {
    "description": "Any JSON value without NUL characters in its texts",
    "anyOf": [
        {"type": "string", "pattern": NUL_FREE_PATTERN},
        {"type": ["number", "boolean", "null"]},
        {"type": "array", "items": {"$ref": SCHEMAS + JSON_VALUE}},
        {
            "type": "object",
            "propertyNames": {"pattern": NUL_FREE_PATTERN},
            "additionalProperties": {"$ref": SCHEMAS + JSON_VALUE},
        },
    ],
}
# Strings whose own declaration already says what they may hold.
_SHAPED = ("format", "enum", "const", "pattern")
# FastAPI's own 422 body, which the server never sends (errors.install_error_handlers renders ErrorBody).
FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")


def install_api_document(app: FastAPI) -> None:
    """Makes ``app.openapi()`` (and the document it serves) the completed one; built once, then cached."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            # FastAPI.openapi builds the document and caches it in app.openapi_schema; completed in place.
            return complete(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(document: dict[str, Any]) -> dict[str, Any]:
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    error_schema = ErrorBody.model_json_schema(ref_template=SCHEMAS + "{model}")
    schemas.update(error_schema.pop("$defs", {}))
    schemas["ErrorBody"] = error_schema
    errors = dict(DOCUMENTED_ERRORS)
    errors[UNSUPPORTED_MEDIA_TYPE[0]] = UNSUPPORTED_MEDIA_TYPE[1]
    components["responses"] = {_response_name(status): _error_response(text) for status, text in errors.items()}

    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            statuses = dict(DOCUMENTED_ERRORS)
            if _takes_upload(operation):
                statuses[UNSUPPORTED_MEDIA_TYPE[0]] = UNSUPPORTED_MEDIA_TYPE[1]
            _document_errors(operation.setdefault("responses", {}), statuses)
    for name in FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    _declare_nul_free(document)
    schemas[JSON_VALUE] = JSON_VALUE_SCHEMA
    return document


def _declare_nul_free(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _declare_nul_free(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not any(key in node for key in _SHAPED):
        node["pattern"] = NUL_FREE_PATTERN
    if node.get("type") == "object" and node.get("additionalProperties") is True:
        node["additionalProperties"] = {"$ref": SCHEMAS + JSON_VALUE}
        node["propertyNames"] = {"pattern": NUL_FREE_PATTERN}
    for value in node.values():
        _declare_nul_free(value)


def _document_errors(responses: dict[str, Any], statuses: dict[int, str]) -> None:
    for status in statuses:
        declared = responses.get(str(status))
        if declared is None or _is_fastapi_validation_error(declared):
            responses[str(status)] = {"$ref": RESPONSES + _response_name(status)}
        else:
            # The route said what this status means for it; the body is still the one error body.
            declared["content"] = _error_response("")["content"]


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": SCHEMAS + "ErrorBody"}}}}


def _response_name(status: int) -> str:
    # NotFound, TooManyRequests, UnprocessableContent...
    return HTTPStatus(status).phrase.title().replace(" ", "").replace("-", "")


def _is_fastapi_validation_error(response: dict[str, Any]) -> bool:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return bool(schema.get("$ref", "").endswith("/HTTPValidationError"))


def _takes_upload(operation: dict[str, Any]) -> bool:
    return "multipart/form-data" in operation.get("requestBody", {}).get("content", {})
