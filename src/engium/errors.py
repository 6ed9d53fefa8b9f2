"""Application errors and their JSON rendering. Every error body is ``{"error": {code, message, details?}}``.

The same shape is declared once, as :class:`ErrorBody`, for every error status the API documents
(:data:`DOCUMENTED_ERRORS`; ``engium.api_document`` puts them on every operation).
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import errors as pg_errors
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Mount

log = logging.getLogger(__name__)


class AppError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class BadRequest(AppError):
    status_code = 400
    code = "bad_request"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class TenantSuspended(Forbidden):
    """The operator suspended this business (ADR 0040): every way in is refused with this message."""

    code = "tenant_suspended"

    def __init__(self) -> None:
        super().__init__("This business is suspended by the operator of this Engium server; contact them to "
                         "restore access")


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class Unprocessable(AppError):
    status_code = 422
    code = "invalid"


class TooManyRequests(AppError):
    status_code = 429
    code = "rate_limited"


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable and machine-readable: not_found, invalid, conflict, rate_limited, ...")
    message: str = Field(description="For people; may change between versions")
    details: Any = Field(
        default=None,
        description="Only on some errors: the fields that failed validation, or the conflicting resource",
    )


class ErrorBody(BaseModel):
    """What every error response carries."""

    error: ErrorDetail


# The error statuses every operation documents, and what each means for a client. One table for the whole
# API: an operation that cannot in practice answer one of them still shares the contract, so a client
# handles errors once. The server never answers another 4xx to a documented method, except 415 for an
# upload it cannot read (declared on the upload operations).
DOCUMENTED_ERRORS: dict[int, str] = {
    400: "Malformed: a body that is not valid JSON, or a cursor that the server did not issue",
    401: "No credentials, or credentials that are invalid, expired or revoked",
    403: "The credentials do not allow this, or the request came from a website the widget is not allowed on",
    404: "Nothing with this id in this tenant (another tenant's ids answer 404 too)",
    409: "Conflicts with the current state: a duplicate, a slot just taken, a concurrent change",
    413: "The body is larger than this endpoint accepts",
    422: "Well-formed, but a value is invalid or the request does not make sense for this resource",
    429: "Too many requests from this address (or widget key); slow down",
    503: "The database is briefly unavailable (a restart); nothing was changed: retry after Retry-After seconds",
}
UNSUPPORTED_MEDIA_TYPE = (415, "The uploaded file's type cannot be read")
# What a 405's Allow header may name.
ROUTABLE_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return {"error": body}


def db_error_as_app_error(exc: DBAPIError) -> AppError | None:
    """The 4xx a database error stands for (a constraint, bad input, a concurrent update), or None for a
    server fault. Messages never echo SQL or values. Shared by the JSON API and the staff web app."""
    orig = exc.orig
    if isinstance(orig, pg_errors.ExclusionViolation):
        return Conflict("That time slot is no longer available")
    if isinstance(orig, pg_errors.UniqueViolation):
        return Conflict("A record with these values already exists")
    if isinstance(orig, pg_errors.ForeignKeyViolation):
        if (orig.diag.message_primary or "").startswith("update or delete"):
            return Conflict("This resource is still referenced by other records")
        return NotFound("A referenced resource was not found")
    if isinstance(orig, pg_errors.CheckViolation | pg_errors.NotNullViolation | pg_errors.StringDataRightTruncation):
        return Unprocessable("A value is out of the allowed range")
    if isinstance(orig, pg_errors.SerializationFailure | pg_errors.DeadlockDetected | pg_errors.LockNotAvailable):
        return Conflict("Concurrent update; retry the request")
    if isinstance(orig, psycopg.DataError):
        # NUL characters, out-of-range numbers or dates: the input, not the server, is at fault.
        return Unprocessable("A value is invalid (for example a NUL character or an out-of-range number)")
    if isinstance(orig, pg_errors.InsufficientPrivilege):
        # An RLS WITH CHECK failure: the row does not belong to the bound tenant.
        return NotFound("Resource not found")
    return None


# How long a client should wait after a 503 before trying again: about what a PostgreSQL restart takes.
RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: DBAPIError) -> bool:
    """The database could not be reached or refused work for now (a restart, a lost connection, a full
    disk, a timeout): the request may succeed if retried, and nothing was committed."""
    return bool(exc.connection_invalidated) or isinstance(exc.orig, psycopg.OperationalError)


def _db_error_response(exc: DBAPIError) -> JSONResponse:
    """Maps constraint violations that reach the top to 4xx, an unreachable database to 503 with
    Retry-After (a provider retries a webhook answered so); never echoes SQL or values."""
    error = db_error_as_app_error(exc)
    if error is None and database_unavailable(exc):
        log.warning("database unavailable: %s", type(exc.orig).__name__)
        return JSONResponse(
            error_body("unavailable", "The service is briefly unavailable; please retry shortly"),
            status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if error is None:
        log.exception("database error")
        return JSONResponse(error_body("internal", "Internal error"), status_code=500)
    return JSONResponse(error_body(error.code, error.message), status_code=error.status_code)


def allowed_methods(request: Request) -> list[str]:
    """The methods some route serves at this request's path, asked of the routes themselves (FastAPI's
    routes serve HEAD only where they declare it; Starlette's plain routes add it to GET)."""
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    return [
        method
        for method in ROUTABLE_METHODS
        if any(route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes)
    ]


def install_error_handlers(app: FastAPI) -> None:
    async def app_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, AppError)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details), status_code=exc.status_code, headers=headers
        )

    async def validation_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        details = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse(error_body("invalid", "Request validation failed", details), status_code=422)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        headers = exc.headers
        if exc.status_code == 405:
            # Starlette names the methods of the first route whose path matched; the resource has them all.
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=headers)

    async def db_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        return _db_error_response(exc)

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DBAPIError, db_error)
