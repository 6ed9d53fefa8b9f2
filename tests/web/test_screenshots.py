"""Every main page at desktop and phone width, saved for people to look at (the run's folder, printed in
the summary). With ENGIUM_UPDATE_SCREENSHOTS=1 the README's copies in docs/screenshots are refreshed.

Also prints the inbox's first contentful paint, as the browser measured it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.incidents.fixtures import add_incident_notification
from tests.live_server import LiveServer
from tests.web.conftest import SCREENSHOTS, phone_overflow, screenshot, sign_in
from tests.web.showcase import Showcase, build

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
FOR_THE_README = ("inbox", "conversation", "bookings", "settings", "trust-register", "trust-dpa")


@pytest.fixture(scope="module")
def showcase(live: LiveServer, live_runtime: Runtime) -> Iterator[Showcase]:
    with live.client() as api:
        built = build(api, live_runtime, live.data_dir)
        # An incident notice for the security incidents page (incidents/notifications.py).
        add_incident_notification(live_runtime, built.tenant_id)
        yield built


def _trust_centre(page: Any, runtime: Runtime, showcase: Showcase) -> dict[str, str]:
    """Twilio enabled (so the register has a tenant-level entry) and a DPA generated: the trust pages."""
    enabled = page.request.post("/api/v1/integrations", headers=showcase.headers, data={
        "kind": "twilio", "name": "sms", "secret": "s3cret-" + "x" * 24, "metadata": {"account_sid": "AC" + "1" * 32}})
    assert enabled.status == 201, enabled.text()
    generated = page.request.post("/api/v1/trust/dpa", headers=showcase.headers)
    assert generated.status == 201, generated.text()
    with tenant_transaction(runtime.database, showcase.tenant_id) as session:
        public_id = session.execute(text("select public_id from tenants")).scalar_one()
    pdf = page.request.get(f"/api/v1/trust/dpa/{generated.json()['version']}/pdf", headers=showcase.headers)
    assert pdf.status == 200
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "trust-dpa.pdf").write_bytes(pdf.body())
    return {"trust": "/trust", "trust-dpa": f"/trust/dpa/{generated.json()['version']}/view",
            "trust-register": f"/trust/{public_id}/subprocessors"}


def _kept_export(page: Any, showcase: Showcase) -> dict[str, str]:
    """An export request fulfilled for one of the salon's customers: the page that shows it."""
    contacts = page.request.get("/api/v1/contacts", headers=showcase.headers)
    assert contacts.status == 200, contacts.text()
    contact = contacts.json()["items"][0]["id"]
    filed = page.request.post("/api/v1/privacy/requests", headers=showcase.headers,
                              data={"kind": "export", "contact_id": contact})
    assert filed.status == 201, filed.text()
    produced = page.request.post(f"/api/v1/privacy/requests/{filed.json()['id']}/export", headers=showcase.headers)
    assert produced.status == 200, produced.text()
    return {"privacy-export": f"/privacy/requests/{filed.json()['id']}/export"}


def test_every_main_page_renders_at_desktop_and_phone_width(
    page: Any, showcase: Showcase, live_runtime: Runtime
) -> None:
    sign_in(page, showcase.owner)
    page.goto("/inbox")
    page.wait_for_selector("[data-live-inbox][data-live-state=ready]")
    first_paint = page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")
    print(f"\ninbox first contentful paint: {first_paint:.0f} ms")

    pages = {
        "inbox": "/inbox",
        "conversation": f"/conversations/{showcase.featured_conversation}",
        "conversation-escalated": f"/conversations/{showcase.escalated_conversation}",
        "bookings": f"/bookings?date={showcase.first_booking_day.isoformat()}",
        "bookings-day": f"/bookings?view=day&date={showcase.first_booking_day.isoformat()}",
        "contacts": "/contacts",
        "knowledge": "/knowledge",
        "settings": "/settings",
        "settings-staff": "/settings/staff",
        "integrations": "/integrations",
        "team": "/team",
        "audit": "/audit",
        "privacy": "/privacy",
        "privacy-record": "/privacy/record",
        "incidents": "/privacy/incidents",
        "api-docs": "/api/v1/docs",
        **_trust_centre(page, live_runtime, showcase),
        **_kept_export(page, showcase),
    }
    saved: dict[str, tuple[Path, Path]] = {}
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, path
        if name == "api-docs":
            page.wait_for_selector(".swagger-ui .opblock")
        if name == "conversation":
            assert page.locator(".message-sources").count() >= 1, "the assistant's reply names its sources"
        saved[name] = screenshot(page, name)
        if name != "api-docs":  # Swagger UI's own layout scrolls sideways on phones
            assert phone_overflow(page) <= 0, f"{path} is wider than a phone's screen"
    # The phone layout collapses the sidebar behind the menu button.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/inbox")
    assert not page.locator("nav#sidebar").is_visible()
    page.get_by_role("button", name="Menu").click()
    assert page.locator("nav#sidebar").is_visible()
    page.set_viewport_size({"width": 1280, "height": 800})

    if os.environ.get("ENGIUM_UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        for name in FOR_THE_README:
            for taken in saved[name]:
                shutil.copyfile(taken, DOCS / taken.name)
        # The DPA's first page as printed, where poppler's pdftoppm is installed (a documentation tool only).
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                            str(SCREENSHOTS / "trust-dpa.pdf"), str(DOCS / "trust-dpa-pdf-page1")], check=True)
