"""Done when: a tampered audit row, detected by the periodic verification run through the job runtime,
opens an incident with the 72-hour deadline and notifies the tenant (in-app and a queued webhook)."""

from __future__ import annotations

import json
import zipfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from engium.incidents import repository as repo
from engium.incidents.evidence import check_bundle, write_bundle
from engium.incidents.tasks import VERIFY_JOB
from engium.incidents.views import incident_detail
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.audit import tamper
from tests.audit.conftest import append, seal
from tests.conftest import audit_events, make_tenant
from tests.incidents.conftest import add_endpoint, deliveries_of, incidents_by_key, run_periodic


def test_a_tampered_audit_row_opens_an_incident_and_notifies_the_tenant(
    runtime: Runtime, superuser_engine: Engine
) -> None:
    tenant = make_tenant(runtime)
    endpoint = add_endpoint(runtime, tenant, ["incident.notified"])
    seqs = [append(runtime, tenant.id, details={"n": n}) for n in range(3)]
    seal(runtime)
    with tamper.triggers_disabled(superuser_engine) as conn:
        tamper.modify_details(conn, tenant.id, seqs[1])

    run_periodic(runtime, VERIFY_JOB)

    [incident] = incidents_by_key(runtime, f"audit-chain:{tenant.id}")
    assert incident.status == "detected"
    assert incident.severity == "high"
    assert incident.regulator_due_at - incident.aware_at == timedelta(hours=72)
    assert incident.tenants_due_at - incident.aware_at == timedelta(hours=24)
    assert incident.tenant_ids == [tenant.id]
    assert incident.notified_tenant_ids == [tenant.id]
    with repo.operator_transaction(runtime.database) as session:
        entries = [(e.kind, e.body) for e in repo.timeline(session, incident.id)]
    assert entries[0][0] == "declared"
    assert f"seq {seqs[1]}" in entries[0][1]
    assert entries[1][0] == "notification"

    with tenant_transaction(runtime.database, tenant.id) as session:
        [notice] = repo.tenant_notifications(session)
    assert notice.incident_id == incident.id
    assert notice.severity == "high"
    assert "IP addresses" in notice.body
    [delivery] = deliveries_of(runtime, tenant, "incident.notified")
    assert delivery["endpoint_id"] == endpoint
    assert delivery["payload"]["data"]["incident_id"] == str(incident.id)
    assert delivery["payload"]["data"]["categories"] == ["network", "reference"]
    assert "incident.tenant_notified" in [e["action"] for e in audit_events(runtime, tenant)]

    # The next run appends to the same incident and tells no one twice.
    run_periodic(runtime, VERIFY_JOB)
    [again] = incidents_by_key(runtime, f"audit-chain:{tenant.id}")
    assert again.id == incident.id
    with repo.operator_transaction(runtime.database) as session:
        assert [e.kind for e in repo.timeline(session, incident.id)][-1] == "trigger"
    assert len(deliveries_of(runtime, tenant, "incident.notified")) == 1


def test_the_evidence_bundle_carries_the_broken_chain_and_verifies_against_its_manifest(
    runtime: Runtime, superuser_engine: Engine, tmp_path: Path
) -> None:
    tenant = make_tenant(runtime)
    seqs = [append(runtime, tenant.id, action="auth.login_failed") for _ in range(2)]
    seal(runtime)
    with tamper.triggers_disabled(superuser_engine) as conn:
        tamper.delete_event(conn, tenant.id, seqs[0])
    run_periodic(runtime, VERIFY_JOB)
    [incident] = incidents_by_key(runtime, f"audit-chain:{tenant.id}")
    with repo.operator_transaction(runtime.database) as session:
        row = repo.get(session, incident.id)
        assert row is not None
        now = repo.database_now(session)
        summary = incident_detail(session, row, now).model_dump(mode="json")
        bundle = write_bundle(runtime.database, runtime.settings, row, summary, now, tmp_path / "evidence.zip")
    assert check_bundle(bundle.path) == []
    with zipfile.ZipFile(bundle.path) as archive:
        verification = json.loads(archive.read("verification.json"))
        access = archive.read(f"access/{tenant.id}.jsonl").decode().splitlines()
        manifest = json.loads(archive.read("manifest.json"))
    findings = verification["tenants"][str(tenant.id)]["findings"]
    assert findings
    assert findings[0]["seq"] == seqs[0]
    assert [json.loads(line)["seq"] for line in access if "auth.login_failed" in line] == [seqs[1]]
    assert set(manifest["files"]) == {"incident.json", "verification.json", f"audit/{tenant.id}.jsonl",
                                      f"access/{tenant.id}.jsonl"}


def test_the_job_runtime_schedules_the_verification_the_burst_watch_and_the_clocks(runtime: Runtime) -> None:
    from engium.jobs import periodic_tasks, worker_app

    registry = periodic_tasks(runtime, worker_app(runtime, periodic=False))
    names = {task.task.name: task.cron for task in registry.periodic_tasks.values()}
    assert names["incidents.verify_audit"] == "0 */1 * * *"
    assert names["incidents.watch_bursts"] == "*/15 * * * *"
    assert names["incidents.clocks"] == "*/15 * * * *"
