"""The operator console: only the operator token opens it, its forms need their CSRF token, a new token
signs everyone out, and what it does goes through the incident services (the clock, the order of
statuses, businesses told once) into the platform's audit chain."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import Engine, text

from engium.audit.recorder import PLATFORM_TENANT
from engium.audit.signing import verifier_keys
from engium.evidence.verify import verify_archive
from engium.incidents.operator_auth import new_token, token_hash
from engium.runtime import Runtime
from tests.audit.conftest import superuser_engine  # noqa: F401
from tests.conftest import TenantHandle, make_tenant
from tests.web.forms import sign_in
from tests.web.members import csrf_token, owner_of

INCIDENT_URL = re.compile(r"/operator/incidents/([0-9a-f-]{36})$")


def configure(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> str:
    token, digest = new_token()
    incidents = runtime.settings.incidents.model_copy(update={"operator_token_sha256": SecretStr(digest)})
    monkeypatch.setattr(runtime.settings, "incidents", incidents)
    return token


@pytest.fixture
def operator(client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Signed in to the console as "Dana"; yields the CSRF token its forms carry."""
    token = configure(runtime, monkeypatch)
    signed = client.post("/operator/sign-in", data={"token": token, "name": "Dana"}, follow_redirects=False)
    assert signed.status_code == 303
    assert signed.headers["location"] == "/operator"
    yield csrf_token(client.get("/operator").text)
    client.cookies.clear()


def declare(client: TestClient, csrf: str, tenants: list[TenantHandle], **fields: str) -> uuid.UUID:
    answer = client.post("/operator/incidents", follow_redirects=False, data={
        "csrf_token": csrf, "title": "Backup bucket exposed", "severity": "high",
        "tenant_ids": "\n".join(str(t.id) for t in tenants), "categories": ["contact_details", "communications"],
        **fields})
    assert answer.status_code == 303, answer.text
    found = INCIDENT_URL.search(answer.headers["location"])
    assert found is not None
    return uuid.UUID(found.group(1))


def platform_events(engine: Engine, actions: tuple[str, ...]) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(text("select action, actor_id from audit_events where tenant_id = :platform "
                                 "and action = any(:a) order by seq"),
                            {"platform": PLATFORM_TENANT, "a": list(actions)}).all()
    return [(str(r[0]), str(r[1])) for r in rows]


def test_without_a_configured_token_the_console_is_shut(client: TestClient, runtime: Runtime) -> None:
    assert runtime.settings.incidents.operator_token_sha256 is None
    token, _ = new_token()
    assert client.get("/operator", follow_redirects=False).status_code == 401
    refused = client.post("/operator/sign-in", data={"token": token}, follow_redirects=False)
    assert refused.status_code == 401
    assert "ENGIUM_OPERATOR_TOKEN_SHA256" in refused.text
    assert "engium_operator" not in refused.headers.get("set-cookie", "")


def test_only_the_operator_token_opens_it(client: TestClient, runtime: Runtime, tenant: TenantHandle,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    token = configure(runtime, monkeypatch)
    assert client.get("/operator", follow_redirects=False).headers["location"] == "/operator/sign-in"
    wrong, _ = new_token()
    refused = client.post("/operator/sign-in", data={"token": wrong}, follow_redirects=False)
    assert refused.status_code == 401
    assert "not the operator token" in refused.text
    assert "engium_operator" not in refused.headers.get("set-cookie", "")
    # A business owner's session, or their API key, is not the operator.
    assert sign_in(client, owner_of(tenant)).status_code == 303
    assert client.get("/operator", follow_redirects=False).headers["location"] == "/operator/sign-in"
    assert client.get("/operator", headers=tenant.headers, follow_redirects=False).status_code == 303
    client.cookies.clear()
    # A cookie holding the token's hash (what the server's environment holds) is not the token.
    client.cookies.set("engium_operator", token_hash(token), path="/operator")
    assert client.get("/operator", follow_redirects=False).status_code == 303
    client.cookies.clear()

    signed = client.post("/operator/sign-in", data={"token": token}, follow_redirects=False)
    assert signed.status_code == 303
    cookie = signed.headers["set-cookie"].lower()
    for attribute in ("httponly", "samesite=strict", "path=/operator", "max-age=28800"):
        assert attribute in cookie
    assert client.get("/operator").status_code == 200


def test_a_new_token_signs_the_console_out(client: TestClient, runtime: Runtime, operator: str,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/operator").status_code == 200
    configure(runtime, monkeypatch)  # the operator minted a new token and configured its hash
    assert client.get("/operator", follow_redirects=False).headers["location"] == "/operator/sign-in"


def test_forms_need_the_consoles_csrf_token(client: TestClient, runtime: Runtime, operator: str,
                                            tenant: TenantHandle) -> None:
    title = f"Forged {uuid.uuid4()}"
    for csrf in ("", "0" * 64, csrf_token_of_another_console()):
        refused = client.post("/operator/incidents", data={"csrf_token": csrf, "title": title, "severity": "low"},
                              follow_redirects=False)
        assert refused.status_code == 403
    assert title not in client.get("/operator").text


def csrf_token_of_another_console() -> str:
    from engium.web.operator_viewer import csrf_token_for

    return csrf_token_for(new_token()[0])


def test_an_incident_runs_its_course_through_the_console(
    client: TestClient, runtime: Runtime, operator: str, tenant: TenantHandle,
    superuser_engine: Engine,  # noqa: F811
) -> None:
    other = make_tenant(runtime)
    incident_id = declare(client, operator, [tenant], aware_at="2026-12-01T09:30", owner="Dana")
    page = client.get(f"/operator/incidents/{incident_id}").text
    assert "Backup bucket exposed" in page
    assert "0 of 1 told" in page
    assert "overdue" in page  # aware since 1 December: both deadlines have passed
    listed = client.get("/operator").text
    assert f'data-incident="{incident_id}"' in listed

    noted = client.post(f"/operator/incidents/{incident_id}/timeline",
                        data={"csrf_token": operator, "body": "Bucket policy reverted"}, follow_redirects=False)
    assert noted.status_code == 303
    assert "Bucket policy reverted" in client.get(f"/operator/incidents/{incident_id}").text
    # Out of order: the service's rule, shown on the page.
    skipped = client.post(f"/operator/incidents/{incident_id}/status", data={"csrf_token": operator,
                                                                             "status": "notified"})
    assert skipped.status_code == 409
    assert "only &#39;contained&#39; may follow" in skipped.text
    for step in ("contained",):
        assert client.post(f"/operator/incidents/{incident_id}/status", follow_redirects=False,
                           data={"csrf_token": operator, "status": step}).status_code == 303
    unnotified = client.post(f"/operator/incidents/{incident_id}/status",
                             data={"csrf_token": operator, "status": "notified"})
    assert unnotified.status_code == 409
    assert "not notified yet" in unnotified.text
    told = client.post(f"/operator/incidents/{incident_id}/notifications", data={"csrf_token": operator},
                       follow_redirects=False)
    assert told.status_code == 303
    assert client.post(f"/operator/incidents/{incident_id}/status", follow_redirects=False,
                       data={"csrf_token": operator, "status": "notified"}).status_code == 303
    no_review = client.post(f"/operator/incidents/{incident_id}/status",
                            data={"csrf_token": operator, "status": "closed", "review": "  "})
    assert no_review.status_code == 422
    assert "post-incident review" in no_review.text
    closed = client.post(f"/operator/incidents/{incident_id}/status", follow_redirects=False,
                         data={"csrf_token": operator, "status": "closed", "review": "Rotated the keys."})
    assert closed.status_code == 303
    assert 'data-status>closed<' in client.get(f"/operator/incidents/{incident_id}").text
    client.cookies.clear()

    # The affected business sees its notice; the other one sees nothing.
    sign_in(client, owner_of(tenant))
    assert f'data-incident="{incident_id}"' in client.get("/privacy/incidents").text
    client.cookies.clear()
    sign_in(client, owner_of(other))
    assert str(incident_id) not in client.get("/privacy/incidents").text

    events = platform_events(superuser_engine, ("operator.signed_in", "incident.declared",
                                                "incident.status_changed"))
    assert ("operator.signed_in", "console:Dana") in events
    assert ("incident.declared", "console:Dana") in events
    assert events.count(("incident.status_changed", "console:Dana")) == 3


def test_a_bad_declaration_is_shown_again_with_the_reason(client: TestClient, operator: str) -> None:
    title = f"Leak {uuid.uuid4()}"
    answer = client.post("/operator/incidents", data={"csrf_token": operator, "title": title, "severity": "low",
                                                      "tenant_ids": str(uuid.uuid4())})
    assert answer.status_code == 422
    assert f'value="{title}"' in answer.text  # the form keeps what was typed
    bad = client.post("/operator/incidents", data={"csrf_token": operator, "title": title, "severity": "urgent"})
    assert bad.status_code == 422
    assert "Severity" in bad.text
    assert title not in client.get("/operator").text  # nothing was declared


def test_the_evidence_archive_downloads_and_verifies(client: TestClient, runtime: Runtime, operator: str,
                                                      tenant: TenantHandle) -> None:
    assert client.get("/operator/evidence").status_code == 200
    archive = client.get("/operator/evidence/archive", params={"from": "2026-01-01", "to": "2026-12-31"})
    assert archive.status_code == 200, archive.text[:500]
    assert archive.headers["content-type"] == "application/zip"
    check = verify_archive(io.BytesIO(archive.content), verifier_keys(runtime.settings))
    assert check.ok, check.problems
    backwards = client.get("/operator/evidence/archive", params={"from": "2026-12-31", "to": "2026-01-01"})
    assert backwards.status_code == 422


def test_signing_out_ends_the_console_session(client: TestClient, operator: str) -> None:
    out = client.post("/operator/sign-out", data={"csrf_token": operator}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/operator", follow_redirects=False).headers["location"] == "/operator/sign-in"
