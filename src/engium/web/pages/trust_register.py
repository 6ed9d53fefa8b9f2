"""The public subprocessor register of each business: ``/trust/{public_id}/subprocessors`` in HTML,
``.json`` and ``.atom``. No sign-in.

The business is named by the public id already in its webhook URLs (``tenants.public_id``, random, 12
characters), resolved by the same SECURITY DEFINER function as the inbound webhooks; the transaction is then
bound to that tenant, so RLS keeps every read inside it. An unknown id, the platform's own tenant and a
malformed id all answer the same 404. Every request counts against its source address (60 a minute),
before any database work. Nothing is cached: the register changes the moment an integration does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from engium.channels import store
from engium.channels.rate_limits import FailureLimiter, Throttled, source_of
from engium.errors import NotFound
from engium.kit.transaction import DbSession
from engium.tenancy import service as tenancy
from engium.tenancy.binding import bind_tenant
from engium.trust.configured import operator_config
from engium.trust.public_view import register_atom, register_json
from engium.trust.register import Register, effective_register, register_path
from engium.web.page_route import PageRoute
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)
# The machine-readable forms answer errors as the API does (JSON), not with an HTML page.
data_router = APIRouter(include_in_schema=False)

REQUESTS_PER_MINUTE = 60
# Public ids are URL-safe base64 (provisioning.py); anything else is refused before the database sees it.
PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def _limiter(request: Request) -> FailureLimiter:
    limiter: FailureLimiter | None = getattr(request.app.state, "trust_register_limiter", None)
    if limiter is None:
        limiter = FailureLimiter(REQUESTS_PER_MINUTE)
        request.app.state.trust_register_limiter = limiter
    return limiter


@dataclass(frozen=True)
class PublicRegister:
    register: Register
    business: str
    public_id: str
    url: str


def _public_register(request: Request, session: Session, public_id: str) -> PublicRegister:
    if not _limiter(request).hit(source_of(request)):
        raise Throttled()
    tenant_id = store.tenant_for_public_id(session, public_id) if PUBLIC_ID.fullmatch(public_id) else None
    if tenant_id is None:
        raise NotFound("no register here")
    bind_tenant(session, tenant_id)
    try:
        tenancy.get_tenant(session)
        business = tenancy.get_settings(session).business_name
    except NotFound:
        raise NotFound("no register here") from None
    url = str(request.base_url).rstrip("/") + register_path(public_id)
    return PublicRegister(effective_register(session, operator_config(request)), business, public_id, url)


@router.get("/trust/{public_id}/subprocessors", response_class=HTMLResponse)
def register_page(request: Request, public_id: str, session: DbSession) -> Response:
    found = _public_register(request, session, public_id)
    # Not cached (the app's default no-store): the register changes the moment an integration does.
    return render(request, "trust_register.html", {"found": found, "member": None})


@data_router.get("/trust/{public_id}/subprocessors.json")
def register_data(request: Request, public_id: str, session: DbSession) -> Response:
    found = _public_register(request, session, public_id)
    return JSONResponse(register_json(found.register, found.business, public_id))


@data_router.get("/trust/{public_id}/subprocessors.atom")
def register_feed(request: Request, public_id: str, session: DbSession) -> Response:
    found = _public_register(request, session, public_id)
    return Response(register_atom(found.register, found.business, found.url), media_type="application/atom+xml")
