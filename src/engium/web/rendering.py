"""Jinja2 rendering for the staff web app: one environment, autoescaped, with the filters pages share.

Pages are rendered on the server and work without JavaScript; ``static/app.js`` only enhances them
(live inbox, live transcript, confirmations). Nothing is inline: the CSP allows scripts and styles from
this origin only, so templates carry no ``<script>`` bodies, no ``style`` attributes, no event handlers.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def _asset_version() -> str:
    """A digest of every static file: asset URLs change whenever any file does, so browsers may cache
    them for a year (``immutable``) and never run a stale script against a new page."""
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(STATIC_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


ASSET_VERSION = _asset_version()


def asset(name: str) -> str:
    return f"/static/{ASSET_VERSION}/{name}"


def _zone(value: tzinfo | str | None) -> tzinfo:
    if isinstance(value, str):
        return ZoneInfo(value)
    return value or ZoneInfo("UTC")


def local_time(moment: datetime | None, zone: tzinfo | str | None = None, style: str = "auto") -> str:
    """A moment in the business's zone: "14:05" today, "Tue 4 Jun, 14:05" otherwise."""
    if moment is None:
        return ""
    local = moment.astimezone(_zone(zone))
    if style == "time":
        return local.strftime("%H:%M")
    if style == "date":
        return f"{local:%a} {local.day} {local:%b %Y}"
    if style == "full":
        return f"{local:%a} {local.day} {local:%b %Y}, {local:%H:%M}"
    today = datetime.now(local.tzinfo).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if local.year == today.year:
        return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"
    return f"{local.day} {local:%b %Y}"


def money(cents: int | None, currency: str) -> str:
    if cents is None:
        return ""
    symbol = {"GBP": "£", "USD": "$", "EUR": "€"}.get(currency)
    amount = f"{cents / 100:,.2f}".removesuffix(".00")
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def query(base: dict[str, Any], **changes: Any) -> str:
    """``?a=1&b=2`` from ``base`` with ``changes`` applied; empty values are left out."""
    merged = {**base, **changes}
    kept = {k: v for k, v in merged.items() if v not in (None, "")}
    return "?" + urlencode(kept) if kept else "?"


environment = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
environment.globals.update(asset=asset, query=query)
environment.filters.update(local_time=local_time, money=money)


def render_text(template: str, context: dict[str, Any]) -> str:
    return environment.get_template(template).render(context)


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """A full page. ``request.state.member`` (set by page authentication) drives the navigation."""
    values: dict[str, Any] = {
        "request": request,
        "member": getattr(request.state, "member", None),
        "path": request.url.path,
        **(context or {}),
    }
    return HTMLResponse(render_text(template, values), status_code=status)
