"""How a page answers when something goes wrong: HTML instead of the API's JSON, same rules.

Every page route uses :class:`PageRoute`. Errors raised by a service (403, 404, 409 ...) propagate out of
the request's transaction first, so it rolls back exactly as for the API, and the audit middleware
records the refusal; only then are they rendered as a page. A form that fails validation or a service
rule is shown again with the message (:func:`attempt`), rendered from a savepoint that was rolled back,
and then the whole transaction is rolled back too.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from engium.errors import AppError, db_error_as_app_error
from engium.web.members import EnrolmentRequired, SignInRequired
from engium.web.operator_viewer import OperatorSignInRequired
from engium.web.rendering import render

T = TypeVar("T")

TITLES = {
    400: "Something in that request was not right",
    401: "Please sign in",
    403: "You don't have access to this",
    404: "Not found",
    409: "That conflicts with something else",
    413: "That is too large",
    415: "That kind of file is not supported",
    422: "Please check what you entered",
    429: "Too many attempts",
}


class FormRejected(Exception):
    """Carries the page to answer with; raised so that the request's transaction rolls back."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def error_page(request: Request, status: int, message: str) -> Response:
    return render(request, "error.html", {"status": status, "title": TITLES.get(status, "Something went wrong"),
                                          "message": message}, status=status)


def validation_message(exc: ValidationError) -> str:
    """Pydantic's errors in words a person can act on: "Email: value is not a valid email address"."""
    parts = []
    for error in exc.errors()[:3]:
        field = " ".join(str(part) for part in error.get("loc", ()) if not isinstance(part, int))
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        parts.append(f"{field.replace('_', ' ').capitalize()}: {message}" if field else message)
    return "; ".join(parts)


def describe(exc: Exception) -> tuple[int, str] | None:
    """The status and the message to show for an error a person can fix, or None for a server fault."""
    if isinstance(exc, AppError):
        return exc.status_code, exc.message
    if isinstance(exc, ValidationError):
        return 422, validation_message(exc)
    if isinstance(exc, DBAPIError):
        mapped = db_error_as_app_error(exc)
        return (mapped.status_code, mapped.message) if mapped else None
    return None


def attempt(session: Session, action: Callable[[], T], on_error: Callable[[str], Response]) -> T:
    """Runs ``action`` (a service call) in a savepoint; if a person could fix what failed, answers with
    ``on_error(message)`` (the form again), rendered after the savepoint rolled back."""
    try:
        with session.begin_nested():
            return action()
    except (AppError, ValidationError, DBAPIError) as exc:
        described = describe(exc)
        if described is None:
            raise
        status, message = described
        response = on_error(message)
        response.status_code = status
        raise FormRejected(response) from exc


class PageRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handle(request)
            except OperatorSignInRequired:
                return see_other("/operator/sign-in")
            except SignInRequired:
                target = request.url.path if request.method == "GET" else ""
                suffix = f"?next={quote(target)}" if target and target != "/" else ""
                return see_other(f"/sign-in{suffix}")
            except EnrolmentRequired:
                return see_other("/account/two-factor")
            except FormRejected as rejected:
                return rejected.response
            except RequestValidationError:
                return error_page(request, 404 if request.method == "GET" else 400,
                                  "The address or the form was not understood.")
            except (AppError, DBAPIError) as exc:
                described = describe(exc)
                if described is None:
                    raise
                return error_page(request, *described)

        return page_handler
