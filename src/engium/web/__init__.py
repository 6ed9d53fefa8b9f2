"""The staff web app: server-rendered pages over the same services as the API (ADR 0016).

``staff_router`` holds every page; ``api_docs_router`` serves the API reference from local assets.
Pages are grouped in ``web/pages`` (one module per area), templates in ``web/templates`` and our own
CSS and JavaScript in ``web/static``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from engium.web.assets import api_docs_router
from engium.web.assets import router as assets_router
from engium.web.live import stop_feed
from engium.web.pages import (
    access,
    account,
    analytics,
    audit,
    bookings,
    calendars,
    catalog,
    contacts,
    conversation,
    inbox,
    inbox_tools,
    incidents,
    integrations,
    integrations_email,
    knowledge,
    notifications,
    operator,
    operator_tenants,
    password_reset,
    privacy,
    privacy_export,
    settings,
    signup,
    team,
    trust,
    trust_register,
)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    # The inbox feed's LISTEN connection, if any page opened one.
    stop_feed(app)


staff_router = APIRouter(lifespan=_lifespan)
for pages in (assets_router, access.router, account.router, inbox.router, conversation.router, bookings.router,
              contacts.router, knowledge.router, settings.router, catalog.router, integrations.router, team.router,
              audit.router, privacy.router, trust.router, trust_register.router, trust_register.data_router,
              incidents.router, operator.router, operator_tenants.router, privacy_export.router,
              password_reset.router, signup.router, notifications.router, inbox_tools.router,
              calendars.router, analytics.router, integrations_email.router):
    staff_router.include_router(pages)

__all__ = ["api_docs_router", "staff_router"]
