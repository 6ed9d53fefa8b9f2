"""``engium incident ...``: declare, follow and close incidents; ``engium operator token create``.

The runbook (docs/incident-response.md) names these commands for each step. Exit status: 0 done,
1 ``check`` found a problem or ``verify-evidence`` a mismatch, 2 usage errors and refused changes (an
out-of-order status, an unknown tenant), with the reason on stderr.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer
from sqlalchemy.orm import Session

from engium.audit import recorder as audit
from engium.audit.actions import AuditAction
from engium.cli.operator import fail, migrated, operator_name
from engium.config import Settings
from engium.errors import AppError
from engium.incidents import repository as repo
from engium.incidents import service
from engium.incidents.clocks import remind
from engium.incidents.detectors import verify_audit_log, watch_bursts
from engium.incidents.evidence import check_bundle, write_bundle
from engium.incidents.notifications import notify_tenants
from engium.incidents.operator_auth import new_token
from engium.incidents.schemas import IncidentDetail, IncidentOut
from engium.incidents.views import incident_detail, incident_out
from engium.kit.database import Database
from engium.privacy.data_map import Category

incident_app = typer.Typer(no_args_is_help=True, help="Incident response: declare, follow, notify, close.")
timeline_app = typer.Typer(no_args_is_help=True, help="An incident's timeline.")
operator_app = typer.Typer(no_args_is_help=True, help="The operator's own credentials.")
token_app = typer.Typer(no_args_is_help=True, help="The operator API's token.")
incident_app.add_typer(timeline_app, name="timeline")
operator_app.add_typer(token_app, name="token")

DataDir = Annotated[Path | None, typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR)")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]
IncidentId = Annotated[UUID, typer.Argument(help="The incident's id")]
SEVERITIES = ", ".join(service.SEVERITIES)


def _operator() -> service.Operator:
    return service.Operator(operator_name())


def _moment(value: str | None, name: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{name}: give a date and time such as 2030-05-06T09:00:00+00:00")
    if moment.tzinfo is None:
        fail(f"{name}: give a UTC offset (2030-05-06T09:00:00+00:00)")
    return moment


def _categories(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    found = [c.strip() for value in values for c in value.split(",") if c.strip()]
    known = {c.value for c in Category}
    unknown = sorted(set(found) - known)
    if unknown:
        fail(f"unknown data categories {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    return found


@contextmanager
def _operating(data_dir: Path | None) -> Iterator[tuple[Settings, Database, Session]]:
    """The operator's transaction; a refused change exits 2 with its reason."""
    with migrated(data_dir) as (settings, database):
        try:
            with repo.operator_transaction(database) as session:
                yield settings, database, session
        except AppError as exc:
            fail(exc.message)


def _now(session: Session) -> datetime:
    return repo.database_now(session)


def _print(incident: IncidentOut, as_json: bool) -> None:
    if as_json:
        typer.echo(incident.model_dump_json())
        return
    flags = [f for f, on in (("REGULATOR OVERDUE", incident.regulator_overdue),
                             ("TENANTS OVERDUE", incident.tenants_overdue)) if on]
    typer.echo(f"{incident.id}  [{incident.status}] {incident.severity}: {incident.title}"
               + (f"  ({', '.join(flags)})" if flags else ""))
    typer.echo(f"  aware {incident.aware_at:%Y-%m-%d %H:%M}Z; regulator due {incident.regulator_due_at:%Y-%m-%d %H:%M}Z"
               f"; tenants due {incident.tenants_due_at:%Y-%m-%d %H:%M}Z; owner {incident.owner or '-'}")
    typer.echo(f"  tenants {len(incident.notified_tenant_ids)}/{len(incident.tenant_ids)} notified; "
               f"categories {', '.join(incident.categories) or '-'}")
    if isinstance(incident, IncidentDetail):
        for entry in incident.timeline:
            typer.echo(f"  {entry.seq:>3} {entry.at:%Y-%m-%d %H:%M:%S}Z {entry.kind:<12} {entry.actor}: {entry.body}")


def _show(session: Session, incident_id: UUID, as_json: bool) -> None:
    _print(incident_detail(session, service.get(session, incident_id), _now(session)), as_json)


@incident_app.command("declare")
def declare(
    title: Annotated[str, typer.Option("--title", help="What happened, in a line")],
    severity: Annotated[str, typer.Option("--severity", help=f"One of {SEVERITIES}")],
    tenant: Annotated[list[UUID] | None, typer.Option("--tenant", help="An affected tenant (repeatable)")] = None,
    categories: Annotated[list[str] | None, typer.Option(
        "--categories", help="Data categories involved, comma-separated (the data map's)")] = None,
    aware_at: Annotated[str | None, typer.Option("--aware-at", help="When you became aware (default: now)")] = None,
    window_start: Annotated[str | None, typer.Option("--window-start", help="Start of the affected period")] = None,
    window_end: Annotated[str | None, typer.Option("--window-end", help="End of the affected period")] = None,
    owner: Annotated[str, typer.Option("--owner", help="Who leads the response")] = "",
    description: Annotated[str, typer.Option("--description", help="The first timeline entry")] = "",
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Opens an incident; the 72-hour regulator clock starts at --aware-at."""
    if severity not in service.SEVERITIES:
        fail(f"--severity must be one of {SEVERITIES}")
    if not title.strip() or len(title) > 200:
        fail("--title must be 1 to 200 characters")
    with _operating(data_dir) as (settings, _, session):
        incident = service.declare(
            session, _operator(), settings.incidents, title=title.strip(), severity=severity,
            tenant_ids=tenant or [], categories=_categories(categories) or [],
            aware_at=_moment(aware_at, "--aware-at"), window_start=_moment(window_start, "--window-start"),
            window_end=_moment(window_end, "--window-end"), owner=owner, description=description,
        )
        _show(session, incident.id, as_json)


@incident_app.command("list")
def list_incidents(
    open_only: Annotated[bool, typer.Option("--open", help="Only incidents not closed")] = False,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Incidents with their deadlines and overdue flags, newest awareness first."""
    with _operating(data_dir) as (_, _, session):
        now = _now(session)
        found = [incident_out(i, now) for i in repo.list_incidents(session, open_only=open_only, limit=1000)]
    if as_json:
        typer.echo(json.dumps([json.loads(i.model_dump_json()) for i in found]))
    for incident in [] if as_json else found:
        _print(incident, False)


@incident_app.command("show")
def show(incident_id: IncidentId, data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """An incident, its clock and its timeline."""
    with _operating(data_dir) as (_, _, session):
        _show(session, incident_id, as_json)


@incident_app.command("update")
def update(
    incident_id: IncidentId,
    severity: Annotated[str | None, typer.Option("--severity", help=f"One of {SEVERITIES}")] = None,
    owner: Annotated[str | None, typer.Option("--owner")] = None,
    tenant: Annotated[list[UUID] | None, typer.Option("--tenant", help="Add an affected tenant")] = None,
    categories: Annotated[list[str] | None, typer.Option("--categories", help="Replace the categories")] = None,
    window_start: Annotated[str | None, typer.Option("--window-start")] = None,
    window_end: Annotated[str | None, typer.Option("--window-end")] = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Changes severity, owner, categories or window; adds affected tenants."""
    if severity is not None and severity not in service.SEVERITIES:
        fail(f"--severity must be one of {SEVERITIES}")
    with _operating(data_dir) as (_, _, session):
        service.update(session, _operator(), incident_id, severity=severity, owner=owner, add_tenants=tenant or [],
                       categories=_categories(categories), window_start=_moment(window_start, "--window-start"),
                       window_end=_moment(window_end, "--window-end"))
        _show(session, incident_id, as_json)


@timeline_app.command("add")
def timeline_add(
    incident_id: IncidentId,
    text: Annotated[str, typer.Argument(help="What was found or done")],
    data_dir: DataDir = None,
) -> None:
    """Appends a timestamped entry to the timeline."""
    if not text.strip() or len(text) > 5000:
        fail("the entry must be 1 to 5000 characters")
    with _operating(data_dir) as (_, _, session):
        service.add_entry(session, _operator(), incident_id, text.strip())
    typer.echo("entry added")


@incident_app.command("status")
def status(
    incident_id: IncidentId,
    new_status: Annotated[str, typer.Argument(help="contained, notified or closed (one step at a time)")],
    review: Annotated[Path | None, typer.Option("--review", exists=True, dir_okay=False,
                                                help="The post-incident review (closing needs it)")] = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Moves the incident one step: detected → contained → notified (the regulator was told) → closed."""
    text = review.read_text(encoding="utf-8") if review else None
    with _operating(data_dir) as (_, _, session):
        service.change_status(session, _operator(), incident_id, new_status, review=text)
        _show(session, incident_id, as_json)


@incident_app.command("review")
def review(
    incident_id: IncidentId,
    file: Annotated[Path, typer.Option("--file", exists=True, dir_okay=False, help="The review (text/Markdown)")],
    data_dir: DataDir = None,
) -> None:
    """Closes a notified incident with its post-incident review."""
    status(incident_id, "closed", file, data_dir, False)


@incident_app.command("notify")
def notify(incident_id: IncidentId, data_dir: DataDir = None) -> None:
    """Tells every affected tenant not told yet: an in-app notice and a signed incident.notified event."""
    with migrated(data_dir) as (_, database):
        try:
            told = notify_tenants(database, _operator(), incident_id)
        except AppError as exc:
            fail(exc.message)
    typer.echo(f"notified {len(told)} tenant(s)" + "".join(f"\n  {t}" for t in told))


@incident_app.command("check")
def check(data_dir: DataDir = None) -> None:
    """Runs the periodic checks now: audit verification, the burst watch and the deadline reminders."""
    with migrated(data_dir) as (settings, database):
        report, fired = verify_audit_log(database, settings)
        bursts = watch_bursts(database, settings)
        reminders = remind(database, settings.incidents)
    for item in [*fired, *bursts]:
        typer.echo(f"incident {item.incident_id}: {'opened' if item.opened else 'appended'}")
    for reminder in reminders:
        typer.echo(f"incident {reminder.incident_id}: {reminder.message}")
    typer.echo("audit log intact" if report.ok else f"audit log BROKEN in {len(report.broken)} chain(s)")
    if not report.ok or bursts:
        raise typer.Exit(code=1)


@incident_app.command("evidence")
def evidence(
    incident_id: IncidentId,
    out: Annotated[Path, typer.Option("--out", dir_okay=False, help="The zip to write")],
    data_dir: DataDir = None,
) -> None:
    """Writes the evidence bundle of the incident's window, with a SHA-256 manifest."""
    with _operating(data_dir) as (settings, database, session):
        incident = service.get(session, incident_id)
        now = _now(session)
        summary: dict[str, Any] = json.loads(incident_detail(session, incident, now).model_dump_json())
        bundle = write_bundle(database, settings, incident, summary, now, out)
        audit.record(session, None, AuditAction.INCIDENT_EVIDENCE_EXPORTED, resource_type="incident",
                     resource_id=incident.id, actor=_operator().actor,
                     details={"files": len(bundle.files), "window_start": bundle.window[0],
                              "window_end": bundle.window[1]})
    typer.echo(f"wrote {out} ({len(bundle.files)} file(s) and manifest.json)")


@incident_app.command("verify-evidence")
def verify_evidence(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False)]) -> None:
    """Checks a bundle against its manifest, offline."""
    problems = check_bundle(file)
    for problem in problems:
        typer.echo(f"MISMATCH {problem}")
    if problems:
        raise typer.Exit(code=1)
    typer.echo("every file matches the manifest")


@token_app.command("create")
def token_create() -> None:
    """A new operator API token; configure its hash as ENGIUM_OPERATOR_TOKEN_SHA256 (the token is shown once)."""
    token, digest = new_token()
    typer.echo(f"token (keep it; shown once): {token}")
    typer.echo(f"ENGIUM_OPERATOR_TOKEN_SHA256={digest}")
