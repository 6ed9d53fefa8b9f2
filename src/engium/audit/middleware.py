"""AuditLoggingMiddleware: every mutating request leaves an event, and so does every refused one.

Two halves, because a refused request's transaction rolls back:

* :func:`audit_mutation_before_commit` runs inside the request's transaction (``app.state.before_commit``):
  a successful POST/PUT/PATCH/DELETE that no service recorded gets a generic ``api.mutation`` event.
* :class:`AuditLoggingMiddleware` sees the final status; a 4xx/5xx answer is recorded as ``denied`` or
  ``failed`` in a separate transaction, after the response is sent, so it survives the rollback.
"""

from __future__ import annotations

import logging
import uuid

import anyio
from fastapi import Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engium.audit.actions import ActorKind, AuditAction, Outcome
from engium.audit.recorder import has_pending, record
from engium.context import RequestContext, current_request_context
from engium.errors import database_unavailable
from engium.kit.database import Database
from engium.kit.throttle import SlidingWindowLimiter
from engium.tenancy.binding import bind_tenant

log = logging.getLogger(__name__)

MUTATING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DENIED_STATUSES = frozenset({401, 403, 404, 405, 429})
# The staff web app's pages (engium/web): a refused form post or a page a role may not open is recorded
# like a refused API call. tests/web checks that every page route is covered by one of these.
STAFF_PAGE_PREFIXES = (
    "/sign-in", "/sign-out", "/invitations/", "/account", "/inbox", "/conversations/", "/bookings",
    "/contacts", "/knowledge", "/settings", "/integrations", "/team", "/audit", "/privacy", "/trust",
    "/operator", "/password-reset", "/sign-up", "/notifications", "/search", "/analytics",
)
AUDITED_PREFIXES = ("/api/", "/webhooks/", "/widget/", *STAFF_PAGE_PREFIXES)


def _route_template(scope: Scope) -> str:
    """The full path with parameter values put back as names: /api/v1/contacts/{contact_id}.

    Ids stay out of resource_id so a probe for another tenant's id records the shape, not the id.
    """
    segments = str(scope.get("path", "")).split("/")
    for name, value in (scope.get("path_params") or {}).items():
        if value:
            segments = ["{" + str(name) + "}" if _is_value(segment, value) else segment for segment in segments]
    return "/".join(segments)[:200]


def _is_value(segment: str, value: object) -> bool:
    if isinstance(value, uuid.UUID):
        # Converted by the route (``{contact_id:uuid}``): the client may have written it in capitals.
        try:
            return uuid.UUID(segment) == value
        except ValueError:
            return False
    return segment == str(value)


def audit_mutation_before_commit(session: Session, request: Request) -> None:
    # The actor comes from the request context, as for a refusal, not from request.state or a dependency:
    # the acting party is often named where there is no Request to put it on - identity's login service
    # names the member it has just signed in, the widget the contact a visitor becomes (mid-request),
    # inbound verification the webhook sender - and each says so through remember_for_refusals. Threading
    # the request into those services would couple them to HTTP; this fallback and the refusal path are
    # the context's only readers, and no service reads it.
    ctx = current_request_context()
    if request.method not in MUTATING_METHODS or ctx is None:
        return
    # Counted in this transaction, not per request: an event that rolled back with a savepoint, or that
    # went to a side transaction, does not stand for this mutation.
    if not has_pending(session) and ctx.actor.tenant_id is not None:
        record(
            session,
            None,
            AuditAction.API_MUTATION,
            resource_type="http",
            resource_id=_route_template(request.scope),
            details={"method": request.method},
            # The middleware's own fallback event: the authenticated party it was told about (see above).
            actor=(ActorKind(ctx.actor.kind), ctx.actor.id),
        )


class AuditLoggingMiddleware:
    def __init__(self, app: ASGIApp, database: Database) -> None:
        self.app = app
        self.database = database
        # Unauthenticated refusals land in the shared platform chain; cap them per source address so a
        # scanner cannot flood the log (the rate-limited source is still visible in the first events).
        self.anonymous_limiter = SlidingWindowLimiter(120, 60.0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope.get("path", "")).startswith(AUDITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        status = 500

        async def capture_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, capture_status)
        finally:
            ctx = current_request_context()
            if status >= 400 and ctx is not None:
                await anyio.to_thread.run_sync(self._record_refusal, scope, status, ctx)

    def _record_refusal(self, scope: Scope, status: int, ctx: RequestContext) -> None:
        tenant_id = ctx.actor.tenant_id
        if tenant_id is None and not self.anonymous_limiter.allow(ctx.client_ip or "unknown"):
            return
        outcome = Outcome.DENIED if status in DENIED_STATUSES else Outcome.FAILED
        action = AuditAction.REQUEST_DENIED if outcome is Outcome.DENIED else AuditAction.REQUEST_FAILED
        actor = (ActorKind(ctx.actor.kind), ctx.actor.id)
        try:
            with self.database.transaction() as session:
                if tenant_id is not None:
                    bind_tenant(session, tenant_id)
                record(
                    session,
                    None,
                    action,
                    resource_type="http",
                    resource_id=_route_template(scope),
                    outcome=outcome,
                    details={"method": scope.get("method", ""), "status": status},
                    actor=actor,
                )
        except DBAPIError as exc:
            if not database_unavailable(exc):
                raise
            # The database is down or full: the refusal it caused cannot be written either, and the
            # request's own warning already says why.
            log.warning("could not record a refused request in the audit log: %s", type(exc.orig).__name__)
        except Exception:
            # The response is already sent; losing this record must not take the process down.
            log.exception("could not record a refused request in the audit log")
