"""``/widget/v1/widget.js``: one stable URL, a content hash to revalidate it, small, and self-contained."""

from __future__ import annotations

import gzip
import re

from fastapi.testclient import TestClient

from engium.channels.widget_script import widget_script

# Issue 12's budget for what a visitor's browser downloads.
MAX_GZIPPED_BYTES = 30 * 1024


def test_the_script_is_javascript_cached_for_a_day_and_named_by_its_content(client: TestClient) -> None:
    served = client.get("/widget/v1/widget.js", headers={"Accept-Encoding": "identity"})
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/javascript; charset=utf-8"
    assert served.content == widget_script().plain
    assert served.headers["cache-control"] == "public, max-age=86400, stale-while-revalidate=604800"
    assert re.fullmatch(r'"[0-9a-f]{64}"', served.headers["etag"])
    # Only the cache policy is the script's own: the other security headers stay.
    assert served.headers["x-content-type-options"] == "nosniff"
    assert client.get("/api/v1/openapi.json").headers["cache-control"] == "no-store"


def test_an_unchanged_script_is_revalidated_without_a_body(client: TestClient) -> None:
    etag = client.get("/widget/v1/widget.js", headers={"Accept-Encoding": "identity"}).headers["etag"]
    again = client.get("/widget/v1/widget.js", headers={"Accept-Encoding": "identity", "If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    stale = client.get("/widget/v1/widget.js", headers={"Accept-Encoding": "identity", "If-None-Match": '"old"'})
    assert stale.status_code == 200


def test_browsers_that_accept_gzip_get_the_compressed_script_under_budget(client: TestClient) -> None:
    served = client.get("/widget/v1/widget.js", headers={"Accept-Encoding": "gzip, br"})
    assert served.headers["content-encoding"] == "gzip"
    assert served.headers["vary"] == "Accept-Encoding"
    assert served.content == widget_script().plain  # the client decoded it
    assert served.headers["etag"].endswith('-gzip"')
    size = len(widget_script().gzipped)
    assert size < MAX_GZIPPED_BYTES, f"widget.js is {size} bytes gzipped"
    assert gzip.decompress(widget_script().gzipped) == widget_script().plain


def test_head_answers_with_the_headers_only(client: TestClient) -> None:
    head = client.head("/widget/v1/widget.js")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"]


def test_the_script_fetches_nothing_but_the_engium_api_it_came_from() -> None:
    source = widget_script().plain.decode()
    # No third-party address anywhere, and no way to load or run code fetched at run time.
    assert re.findall(r"https?://[\w.-]+", source) == []
    for forbidden in ("eval(", "new Function", "import(", "XMLHttpRequest", "document.write", "importScripts",
                      "sendBeacon", "new Image", "WebSocket", "createElement(\"script\")", "<iframe"):
        assert forbidden not in source, forbidden
    calls = re.findall(r"fetch\(([^,]+),", source)
    assert calls == ["API + path"]
    assert re.search(r"var API = new URL\(script\.src\)\.origin \+ \"/widget/v1\";", source)
