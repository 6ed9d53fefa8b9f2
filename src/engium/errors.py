"""Application errors and their JSON rendering. Every error body is ``{"error": {code, message}}``."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import errors as pg_errors
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

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

    async def http_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return JSONResponse(
            error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
        )

    async def db_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DBAPIError)
        return _db_error_response(exc)

    app.add_exception_handler(AppError, app_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(DBAPIError, db_error)
