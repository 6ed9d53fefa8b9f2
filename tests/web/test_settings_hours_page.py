"""The hours settings page: holidays and special hours are added and removed there (audited like the API),
a closure that cannot be is explained on the form, and open hours nobody works are pointed out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.bookings.conftest import API, open_shop
from tests.conftest import TenantHandle, audit_events
from tests.web.forms import page_token, sign_in
from tests.web.members import add_member, owner_of


def test_an_owner_adds_and_removes_a_holiday_on_the_hours_page(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    sign_in(client, owner_of(tenant))
    token = page_token(client, "/settings/hours")
    added = client.post("/settings/hours/closures", data={
        "label": "Christmas Day", "start_date": "2030-12-25", "repeats_yearly": "on", "csrf_token": token,
    }, follow_redirects=False)
    assert added.status_code == 303, added.text
    assert added.headers["location"] == "/settings/hours?done=added#closures"
    page = client.get(added.headers["location"])
    assert "Closure added." in page.text
    assert "Christmas Day" in page.text
    assert "every year" in page.text
    [closure] = client.get(f"{API}/closures").json()
    assert (closure["start_date"], closure["repeats_yearly"], closure["closed_all_day"]) == ("2030-12-25", True, True)

    refused = client.post("/settings/hours/closures", data={
        "label": "Backwards", "start_date": "2030-12-27", "end_date": "2030-12-26", "csrf_token": token,
    })
    assert refused.status_code == 422
    assert "end_date 2030-12-26 is before start_date 2030-12-27" in refused.text
    assert 'value="Backwards"' in refused.text  # the form keeps what was typed

    removed = client.post(f"/settings/hours/closures/{closure['id']}/delete", data={"csrf_token": token},
                          follow_redirects=False)
    assert removed.status_code == 303
    assert client.get(f"{API}/closures").json() == []
    actions = [e["action"] for e in audit_events(runtime, tenant) if e["resource_id"] == closure["id"]]
    assert actions == ["closure.created", "closure.deleted"]


def test_the_page_points_out_open_hours_that_nobody_works(
    client: TestClient, runtime: Runtime, tenant: TenantHandle
) -> None:
    open_shop(client, runtime, tenant)  # one staff member, 09:00-17:00 every day
    sign_in(client, owner_of(tenant))
    token = page_token(client, "/settings/hours")
    form = {f"{day}_closed": "on" for day in ("mon", "tue", "wed", "fri", "sat", "sun")}
    saved = client.post("/settings/hours", data={**form, "thu_opens": "09:00", "thu_closes": "20:00",
                                                 "csrf_token": token}, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get("/settings/hours")
    assert "Hours nobody can serve" in page.text
    assert "Thursday: open 09:00-20:00, but no staff work 17:00-20:00" in page.text


def test_an_agent_cannot_change_closures_or_remove_anothers(
    client: TestClient, runtime: Runtime, tenant: TenantHandle, other_tenant: TenantHandle
) -> None:
    theirs = client.post(f"{API}/closures", json={"label": "Theirs", "start_date": "2030-12-25"},
                         headers=other_tenant.headers).json()
    sign_in(client, owner_of(tenant))
    token = page_token(client, "/settings/hours")
    # Another tenant's closure id is nothing here: nothing is removed.
    client.post(f"/settings/hours/closures/{theirs['id']}/delete", data={"csrf_token": token})
    assert client.get(f"{API}/closures/{theirs['id']}", headers=other_tenant.headers).status_code == 200

    client.cookies.clear()
    agent = add_member(client, tenant, "agent")
    sign_in(client, agent)
    token = page_token(client)
    refused = client.post("/settings/hours/closures", data={"label": "Agent's day", "start_date": "2030-12-25",
                                                            "csrf_token": token})
    assert refused.status_code == 403
