"""The operator API's credential (ADR 0026): a token whose SHA-256 is ``ENGIUM_OPERATOR_TOKEN_SHA256``.

Operators have no account in the web app; the token is minted by ``engium operator token create``, kept
by the operator, and only its hash is configured, so the server's environment never holds the token.
Unset: every operator route answers 401 (fail closed). A right token puts the request's transaction in
the operator's scope (repository.enter_operator_scope), which is what opens the incident tables.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from engium.errors import Unauthorized
from engium.incidents import repository as repo
from engium.incidents.service import Operator
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession

HEADER = "X-Engium-Operator-Token"
TOKEN_PREFIX = "egop_"
OPERATOR_SCHEME = APIKeyHeader(
    name=HEADER, scheme_name="OperatorToken", auto_error=False,
    description="The operator token (egop_...) from `engium operator token create`; its SHA-256 is "
                "ENGIUM_OPERATOR_TOKEN_SHA256 on the server",
)
API_OPERATOR = "operator-token"


def new_token() -> tuple[str, str]:
    """A fresh token and the hash to configure."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate_operator(
    request: Request, session: DbSession, token: Annotated[str | None, Security(OPERATOR_SCHEME)] = None
) -> Operator:
    configured = runtime_of(request).settings.incidents.operator_token_sha256
    if configured is None:
        raise Unauthorized("The operator API is disabled: ENGIUM_OPERATOR_TOKEN_SHA256 is not set")
    if not token or len(token) > 200:
        raise Unauthorized(f"Operator token required in the {HEADER} header")
    expected = configured.get_secret_value().strip().lower()
    if not hmac.compare_digest(token_hash(token), expected):
        raise Unauthorized("Invalid operator token")
    repo.enter_operator_scope(session)
    return Operator(API_OPERATOR)


OperatorAuth = Annotated[Operator, Depends(authenticate_operator, scope="function")]
