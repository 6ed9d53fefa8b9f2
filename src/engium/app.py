"""The application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engium import __version__
from engium.analytics.routes import router as analytics_router
from engium.api_document import install_api_document
from engium.assistant.routes import router as assistant_router
from engium.audit.middleware import AuditLoggingMiddleware, audit_mutation_before_commit
from engium.audit.routes import router as audit_router
from engium.body_limits import JSON_MAX_BODY_BYTES, body_limits
from engium.bookings.closure_routes import router as closures_router
from engium.bookings.reminder_routes import router as booking_reminders_router
from engium.bookings.routes import router as bookings_router
from engium.calendars.routes import public_router as calendar_feed_router
from engium.calendars.routes import router as calendars_router
from engium.channels.email_channels import router as email_channels_router
from engium.channels.rate_limits import ChannelLimits
from engium.channels.webhook_routes import router as webhooks_router
from engium.channels.widget_cors import WidgetCorsMiddleware, origin_of
from engium.channels.widget_privacy_routes import router as widget_privacy_router
from engium.channels.widget_proof_routes import router as widget_proof_router
from engium.channels.widget_rating_routes import router as widget_rating_router
from engium.channels.widget_routes import router as widget_router
from engium.channels.widget_script import router as widget_script_router
from engium.context import RequestContextMiddleware
from engium.conversations.inbox_routes import router as inbox_tools_router
from engium.conversations.list_read_route import ConversationListRoute
from engium.conversations.routes import router as conversations_router
from engium.errors import error_body, install_error_handlers
from engium.evidence.routes import router as evidence_router
from engium.identity.invitation_routes import router as invitation_router
from engium.identity.routes import router as identity_router
from engium.incidents.routes import operator_router as operator_incidents_router
from engium.incidents.routes import tenant_router as incident_notifications_router
from engium.integrations.routes import router as integrations_router
from engium.kit.async_pool import AsyncAppPool
from engium.kit.body_limit import BodyLimitMiddleware
from engium.knowledge.routes import router as knowledge_router
from engium.mail.sender_routes import router as mail_sender_router
from engium.notifications.routes import router as notifications_router
from engium.privacy.merge_routes import router as contact_merge_router
from engium.privacy.routes import router as privacy_router
from engium.runtime import Runtime
from engium.tenancy.routes import router as tenancy_router
from engium.trust.routes import router as trust_router
from engium.web import api_docs_router, staff_router
from engium.webhooks.routes import router as outbound_webhooks_router

API_PREFIX = "/api/v1"

SECURITY_HEADERS = {
    # style-src and img-src spell out what default-src already says: the staff web app's pages (engium.web)
    # keep to them (no inline script, style or event handler, nothing from another origin).
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(runtime: Runtime, *, owns_database: bool = False) -> FastAPI:
    """``owns_database``: stop the pool and the embedded server at shutdown (``engium serve``).

    Uvicorn re-raises SIGTERM after its graceful shutdown, so code after ``uvicorn.run`` never runs;
    the lifespan's shutdown is the last reliable place to stop the embedded PostgreSQL.
    """

    # The hot reads' asyncio connections (ADR 0034): one pool per application, opened on first use by the
    # event loop that serves it, closed here before the database.
    async_pool = AsyncAppPool(runtime.database)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await async_pool.close()
        if owns_database:
            runtime.database.close()

    app = FastAPI(
        lifespan=lifespan,
        title="Engium",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        # The docs page is engium.web's: FastAPI's loads Swagger UI from a CDN that our CSP blocks.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    app.state.database = runtime.database
    app.state.async_pool = async_pool
    app.state.before_commit = audit_mutation_before_commit
    install_error_handlers(app)
    install_api_document(app)

    api = APIRouter(prefix=API_PREFIX)
    api.include_router(identity_router)
    api.include_router(invitation_router)
    api.include_router(tenancy_router)
    api.include_router(conversations_router)
    api.include_router(inbox_tools_router)
    api.include_router(contact_merge_router)
    api.include_router(assistant_router)
    api.include_router(bookings_router)
    api.include_router(closures_router)
    api.include_router(calendars_router)
    api.include_router(analytics_router)
    api.include_router(booking_reminders_router)
    api.include_router(audit_router)
    api.include_router(integrations_router)
    api.include_router(mail_sender_router)
    api.include_router(email_channels_router)
    api.include_router(outbound_webhooks_router)
    api.include_router(knowledge_router)
    api.include_router(privacy_router)
    api.include_router(evidence_router)
    api.include_router(trust_router)
    api.include_router(incident_notifications_router)
    api.include_router(operator_incidents_router)
    api.include_router(notifications_router)
    # The plain conversation list read, ahead of every other route: matched by method, path and a plain
    # query string, it skips the framework's routing and dependency solving (ADR 0049). Anything else at
    # that path goes on to the FastAPI route, which also describes it in the API document.
    app.router.routes.insert(0, ConversationListRoute(f"{API_PREFIX}/conversations"))
    # Public channel endpoints: authenticated by provider signature, not by the API's credentials. Matched
    # first: the providers' volume then skips testing each of the API's ~150 routes (ADR 0048); no path
    # overlaps, so the order decides nothing else.
    app.include_router(webhooks_router)
    app.include_router(api)
    app.include_router(widget_router)
    app.include_router(widget_privacy_router)
    # A calendar app's subscription: the token in the path is the credential (calendars/feeds.py).
    app.include_router(calendar_feed_router)
    app.include_router(widget_rating_router)
    app.include_router(widget_proof_router)
    # The staff web app (server-rendered pages at /) and the API reference served from local assets.
    app.include_router(api_docs_router(API_PREFIX))
    app.include_router(staff_router)
    app.include_router(widget_script_router)
    channel_settings = runtime.settings.channels
    app.state.channel_limits = ChannelLimits(
        failures_per_minute=channel_settings.failures_per_minute,
        widget_per_minute=channel_settings.widget_requests_per_minute,
    )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        try:
            with runtime.database.app_engine.connect() as conn:
                conn.execute(text("select 1"))
        except Exception:
            return JSONResponse(error_body("not_ready", "Database unavailable"), status_code=503)
        return JSONResponse({"status": "ready"})

    # Added first = innermost: before routing and body parsing, yet its 413 still gets the security
    # headers, is audited and carries the request id.
    app.add_middleware(BodyLimitMiddleware, limits=body_limits(API_PREFIX), default_max_bytes=JSON_MAX_BODY_BYTES)
    # Outside the body limit (a refused origin is answered before any body is read), inside the security
    # headers and the audit log (its 403s get both).
    app.add_middleware(
        WidgetCorsMiddleware, database=runtime.database, own_origin=origin_of(runtime.settings.resolved_public_url)
    )
    app.add_middleware(SecurityHeadersMiddleware)
    # Added last = outermost: the request context exists before auditing reads it.
    app.add_middleware(AuditLoggingMiddleware, database=runtime.database)
    app.add_middleware(RequestContextMiddleware, trusted_proxies=runtime.settings.trusted_proxy_networks)
    return app
