"""Who is using an operator page: whoever holds the operator token (ADR 0029).

The operator console signs in with the same token as the operator API (``ENGIUM_OPERATOR_TOKEN_SHA256``,
ADR 0026). The browser keeps the token in an HttpOnly, SameSite=Strict cookie scoped to ``/operator``,
and every request checks its hash against the configured one, exactly as the API checks its header: a
new token (and a new hash configured) signs every console out at once, and an unset hash shuts the
console (fail closed). Forms carry a CSRF token derived from the operator token, which a page on
another site can neither read nor compute. The transaction then enters the operator's scope, which is
what opens the incident tables (incidents/repository.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from engium.errors import Forbidden, Unauthorized
from engium.incidents import repository as repo
from engium.incidents.operator_auth import token_hash
from engium.incidents.service import Operator
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.web.members import CSRF_FIELD, MAX_TOKEN_LENGTH, NavItem, PostedForm

TOKEN_COOKIE = "engium_operator"
NAME_COOKIE = "engium_operator_name"
COOKIE_PATH = "/operator"
SESSION_SECONDS = 8 * 3600
# Who signed in, as they gave it, for the audit log's actor: letters, digits, spaces and . @ _ -.
NAME_PATTERN = re.compile(r"^[\w .@-]{1,60}$")
NAVIGATION = [NavItem("/operator", "Incidents", "shield"), NavItem("/operator/tenants", "Businesses", "users"),
              NavItem("/operator/evidence", "Evidence", "list")]


class OperatorSignInRequired(Exception):
    """No valid operator cookie: the page answers with a redirect to the operator's sign-in page."""


@dataclass(frozen=True)
class OperatorViewer:
    """The operator on a console page; shaped like a member for the shared layout (base.html)."""

    operator: Operator
    display_name: str
    csrf_token: str
    email: str = ""
    business_name: str = "Operator console"
    role: str = "operator"
    home: str = "/operator"
    account_href: str = "/operator/sign-in"
    sign_out_href: str = "/operator/sign-out"
    timezone: str = "UTC"

    @property
    def navigation(self) -> list[NavItem]:
        return NAVIGATION


def csrf_token_for(token: str) -> str:
    return hmac.new(token.encode(), b"engium operator console csrf", hashlib.sha256).hexdigest()


def configured_hash(request: Request) -> str | None:
    configured = runtime_of(request).settings.incidents.operator_token_sha256
    return configured.get_secret_value().strip().lower() if configured is not None else None


def token_is_valid(request: Request, token: str) -> bool:
    """A constant-time check of ``token`` against the configured hash; False when none is configured."""
    expected = configured_hash(request)
    if expected is None or not token or len(token) > MAX_TOKEN_LENGTH:
        return False
    return hmac.compare_digest(token_hash(token), expected)


def clean_name(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    return text if NAME_PATTERN.fullmatch(text) else ""


def resolve_operator(request: Request, session: Session, *, posted_csrf: str | None) -> OperatorViewer:
    """The operator behind the cookie, or :class:`OperatorSignInRequired`; checks a form's CSRF token."""
    if configured_hash(request) is None:
        raise Unauthorized("The operator console is disabled: ENGIUM_OPERATOR_TOKEN_SHA256 is not set")
    token = request.cookies.get(TOKEN_COOKIE, "")
    if not token_is_valid(request, token):
        raise OperatorSignInRequired
    csrf = csrf_token_for(token)
    if posted_csrf is not None and not hmac.compare_digest(posted_csrf.encode(), csrf.encode()):
        raise Forbidden("This form has expired or did not come from Engium; reload the page and try again")
    repo.enter_operator_scope(session)
    name = clean_name(request.cookies.get(NAME_COOKIE))
    viewer = OperatorViewer(Operator(f"console:{name}" if name else "console"), name or "Operator", csrf)
    request.state.member = viewer  # the layout's navigation
    return viewer


def _viewing(request: Request, session: DbSession) -> OperatorViewer:
    return resolve_operator(request, session, posted_csrf=None)


def _acting(request: Request, session: DbSession, form: PostedForm) -> OperatorViewer:
    posted: Any = form.get(CSRF_FIELD)
    return resolve_operator(request, session, posted_csrf=posted[:MAX_TOKEN_LENGTH] if isinstance(posted, str) else "")


OperatorViewing = Annotated[OperatorViewer, Depends(_viewing, scope="function")]
OperatorActing = Annotated[OperatorViewer, Depends(_acting, scope="function")]
