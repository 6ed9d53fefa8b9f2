"""``GET /widget/v1/widget.js``: the embeddable chat widget, served by Engium itself.

The one line a business puts on its pages names this URL, so the URL never changes; what changes is the
content, named by a strong ETag (SHA-256 of the file). Browsers keep it for a day
(:data:`CACHE_CONTROL`) and then revalidate with ``If-None-Match``, a 304 without a body while nothing
changed. This is the one response that overrides the application's default ``Cache-Control: no-store``
(app.py's security headers only fill in what a response did not set).

The script is written in parts (widget.js, and the "Your data" form in widget_privacy.js): each line
``/* @include <file> */`` in widget.js is replaced by that file, so the browser still gets one script,
one closure, one request. It is read once per process and compressed once (gzip with a fixed mtime: the
same bytes, and so the same ETag, on every server behind a load balancer). ``Access-Control-Allow-Origin:
*`` and ``Cross-Origin-Resource-Policy: cross-origin`` let any page load it, also pages with subresource
integrity or a cross-origin embedder policy: the script is public and carries no secret.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fastapi import APIRouter, Request, Response

SCRIPT_FILE = "widget.js"
_INCLUDE = re.compile(rb"^[ \t]*/\* @include ([a-z_]+\.js) \*/[ \t]*$", re.MULTILINE)
MEDIA_TYPE = "text/javascript; charset=utf-8"
# A day fresh; past that, used once more while the browser revalidates in the background.
CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800"

router = APIRouter(prefix="/widget/v1", include_in_schema=False)


@dataclass(frozen=True)
class WidgetScript:
    plain: bytes
    gzipped: bytes
    digest: str

    def etag(self, gzipped: bool) -> str:
        # Each encoding is its own representation and needs its own strong validator.
        return f'"{self.digest}-gzip"' if gzipped else f'"{self.digest}"'


@cache
def widget_script() -> WidgetScript:
    folder = resources.files("engium.channels")
    source = _INCLUDE.sub(lambda part: folder.joinpath(part.group(1).decode()).read_bytes().rstrip(b"\n"),
                          folder.joinpath(SCRIPT_FILE).read_bytes())
    return WidgetScript(source, gzip.compress(source, compresslevel=9, mtime=0), hashlib.sha256(source).hexdigest())


def _accepts_gzip(request: Request) -> bool:
    codings = [part.split(";")[0].strip().lower() for part in request.headers.get("accept-encoding", "").split(",")]
    return "gzip" in codings


def _not_modified(request: Request, etag: str) -> bool:
    wanted = [tag.strip().removeprefix("W/") for tag in request.headers.get("if-none-match", "").split(",")]
    return etag in wanted or "*" in wanted


@router.api_route("/widget.js", methods=["GET", "HEAD"])
def serve_widget_script(request: Request) -> Response:
    script = widget_script()
    gzipped = _accepts_gzip(request)
    etag = script.etag(gzipped)
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
    }
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    # HEAD gets the same headers; the server leaves the body out.
    return Response(script.gzipped if gzipped else script.plain, media_type=MEDIA_TYPE, headers=headers)
