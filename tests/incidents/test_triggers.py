"""The other automatic triggers: a stored credential that fails to decrypt, bursts of failed sign-ins or
guard strikes over their thresholds, and the GDPR clock's reminders (once per threshold)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from engium.crypto.envelope import DecryptionError
from engium.incidents import repository as repo
from engium.incidents.clocks import remind
from engium.incidents.decryption import DECRYPTION_JOB
from engium.incidents.service import declare
from engium.incidents.tasks import BURSTS_JOB, CLOCKS_JOB
from engium.integrations import service as integrations
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.audit.conftest import append
from tests.conftest import make_tenant
from tests.incidents.conftest import OPERATOR, incidents_by_key, run_periodic
from tests.integrations.vault_helpers import CHANNEL, stored
from tests.job_queue import drain, job_rows, runtime_with


def test_a_credential_that_fails_to_decrypt_opens_an_incident_through_the_job_runtime(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    source, target = stored(runtime, tenant, "secret-one-" + "x" * 8, "a"), stored(runtime, tenant, "two" * 4, "b")
    with tenant_transaction(runtime.database, tenant.id) as session:
        session.execute(text("update integration_credentials set ciphertext = (select ciphertext from "
                             "integration_credentials where id = :s) where id = :t"), {"s": source, "t": target})
    with tenant_transaction(runtime.database, tenant.id) as session, pytest.raises(DecryptionError):
        integrations.reveal_secret(session, runtime.vault, CHANNEL, target, purpose="test")
    assert len(job_rows(runtime, DECRYPTION_JOB, tenant_id=str(tenant.id))) == 1
    drain(runtime)
    [incident] = incidents_by_key(runtime, f"decryption:{tenant.id}")
    assert incident.categories == ["credentials"]
    assert incident.tenant_ids == [tenant.id]


def test_a_burst_of_failed_sign_ins_opens_one_incident(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    threshold = 3
    quick = runtime_with(runtime, incidents=runtime.settings.incidents.model_copy(
        update={"auth_failure_threshold": threshold, "guard_strike_threshold": 1000}))
    for _ in range(threshold):
        append(runtime, tenant.id, action="auth.login_failed")
    run_periodic(quick, BURSTS_JOB)
    assert incidents_by_key(runtime, f"auth-burst:{tenant.id}") == []  # at the threshold, not over it
    append(runtime, tenant.id, action="auth.login_failed")
    run_periodic(quick, BURSTS_JOB)
    run_periodic(quick, BURSTS_JOB)
    [incident] = incidents_by_key(runtime, f"auth-burst:{tenant.id}")
    with repo.operator_transaction(runtime.database) as session:
        kinds = [e.kind for e in repo.timeline(session, incident.id)]
    assert kinds.count("declared") == 1
    assert kinds.count("trigger") == 1


def test_a_burst_of_guard_strikes_opens_an_incident(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    quick = runtime_with(runtime, incidents=runtime.settings.incidents.model_copy(
        update={"guard_strike_threshold": 2, "auth_failure_threshold": 100000}))
    for action in ("guard.flagged", "guard.action_gated", "guard.output_blocked"):
        append(runtime, tenant.id, action=action)
    run_periodic(quick, BURSTS_JOB)
    [incident] = incidents_by_key(runtime, f"guard-burst:{tenant.id}")
    assert incident.severity == "medium"


def test_reminders_fire_once_per_threshold(runtime: Runtime) -> None:
    tenant = make_tenant(runtime)
    settings = runtime.settings.incidents
    with repo.operator_transaction(runtime.database) as session:
        late = declare(session, OPERATOR, settings, title="Late", severity="low", tenant_ids=[tenant.id],
                       aware_at=datetime.now(UTC) - timedelta(hours=73))
        soon = declare(session, OPERATOR, settings, title="Soon", severity="low",
                       aware_at=datetime.now(UTC) - timedelta(hours=61))
        late_id, soon_id = late.id, soon.id
    run_periodic(runtime, CLOCKS_JOB)
    assert remind(runtime.database, settings) == []  # already given: nothing twice
    with repo.operator_transaction(runtime.database) as session:
        late_row, soon_row = repo.get(session, late_id), repo.get(session, soon_id)
        assert late_row is not None
        assert soon_row is not None
        assert sorted(late_row.reminders) == ["regulator_overdue", "tenants_overdue"]
        assert soon_row.reminders == ["regulator_soon"]
        assert [e.kind for e in repo.timeline(session, late_id)].count("reminder") == 2


def test_after_an_incident_is_closed_the_same_trigger_opens_a_new_one(runtime: Runtime) -> None:
    from engium.incidents.service import change_status
    from engium.incidents.triggers import Trigger, fire

    tenant = make_tenant(runtime)
    trigger = Trigger(key=f"pytest:{tenant.id}", title="Test trigger", severity="low", detail="seen",
                      tenant_ids=[tenant.id])
    first = fire(runtime.database, trigger, runtime.settings.incidents, component="pytest")
    again = fire(runtime.database, trigger, runtime.settings.incidents, component="pytest")
    assert first.opened
    assert not again.opened
    assert again.incident_id == first.incident_id
    assert first.notified == [tenant.id]
    assert again.notified == []
    with repo.operator_transaction(runtime.database) as session:
        for status in ("contained", "notified"):
            change_status(session, OPERATOR, first.incident_id, status)
        change_status(session, OPERATOR, first.incident_id, "closed", review="False alarm: a test.")
    later = fire(runtime.database, trigger, runtime.settings.incidents, component="pytest")
    assert later.opened
    assert later.incident_id != first.incident_id
