"""Static files and the API documentation, served by Engium itself: nothing from a CDN, nothing fetched
at run time. Our own CSS and JavaScript live in ``web/static``; Swagger UI comes from the
``swagger-ui-bundle`` package that ``make install`` installs from PyPI.

Only files listed at import are served (no path from the URL ever reaches the file system), under a
versioned prefix (``/static/<digest>/...``) so that browsers may cache them for a year.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from engium.web.page_route import PageRoute
from engium.web.rendering import ASSET_VERSION, STATIC_DIR, render

SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
SWAGGER_FILES = ("swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png")
CACHE_FOREVER = "public, max-age=31536000, immutable"

FILES: dict[str, Path] = {
    **{path.relative_to(STATIC_DIR).as_posix(): path for path in STATIC_DIR.rglob("*") if path.is_file()},
    **{f"swagger-ui/{name}": SWAGGER_DIR / name for name in SWAGGER_FILES},
}

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/static/{version}/{name:path}")
def static_file(version: str, name: str) -> Response:
    path = FILES.get(name)
    if path is None:
        return Response("Not found", status_code=404, media_type="text/plain")
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type.endswith("javascript"):
        media_type += "; charset=utf-8"
    # An old version's URL still answers (with today's file) but is not cached as if it were that version.
    cache = CACHE_FOREVER if version == ASSET_VERSION else "no-cache"
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": cache})


@router.get("/favicon.ico")
def favicon() -> Response:
    return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml",
                        headers={"Cache-Control": "public, max-age=86400"})


def api_docs_router(api_prefix: str) -> APIRouter:
    """The interactive API reference at ``<api_prefix>/docs``, replacing FastAPI's page (which loads
    Swagger UI from a CDN that our own CSP blocks, and uses an inline script)."""
    docs = APIRouter(route_class=PageRoute, include_in_schema=False)

    @docs.get(f"{api_prefix}/docs", response_class=HTMLResponse)
    def api_docs(request: Request) -> Response:
        return render(request, "api_docs.html", {"openapi_url": f"{api_prefix}/openapi.json"})

    return docs
