"""``engium retention run [--dry-run]``: the retention purge on demand, or what it would remove.

The same code as the daily ``privacy.retention`` job (privacy/retention.py); a real run is attributed to
the operator who ran it and leaves the same ``retention.purged`` proof per batch. Expired audit months are
listed by the dry run; the real run exports them to the archive directory first (ADR 0030).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from engium.access.principal import Principal
from engium.audit.pruning import AuditArchive
from engium.cli.operator import existing_tenant_transaction, migrated, operator_name
from engium.privacy.retention import RetentionReport, dry_run, run_for_tenant, tenant_ids

retention_app = typer.Typer(no_args_is_help=True, help="Remove what each tenant's retention settings let go.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]


def _print(report: RetentionReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.as_dict(), sort_keys=True))
        return
    verb = "would remove" if report.dry_run else "removed"
    counts = ", ".join(f"{name} {n}" for name, n in sorted(report.counts.items()) if n) or "nothing"
    typer.echo(f"tenant {report.tenant_id}: {verb} {counts}")
    if report.audit_months:
        months = ", ".join(f"{month} ({n})" for month, n in report.audit_months.items())
        typer.echo(f"  audit months: {months}")
    if report.audit_kept:
        typer.echo(f"  audit months {report.audit_kept}")


@retention_app.command("run")
def run(
    dry: Annotated[bool, typer.Option("--dry-run", help="Only count what would be removed")] = False,
    tenant: Annotated[UUID | None, typer.Option("--tenant", help="Only this tenant")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per tenant")] = False,
    data_dir: DataDir = None,
) -> None:
    """Purge expired data now (each batch is recorded in the audit log), or show what would go."""
    now = datetime.now(UTC)
    operator = operator_name()
    with migrated(data_dir) as (settings, database):
        archive = None if dry else AuditArchive.from_settings(settings)
        targets = [tenant] if tenant is not None else tenant_ids(database)
        for tenant_id in targets:
            with existing_tenant_transaction(database, tenant_id) as session:
                preview = dry_run(session, tenant_id, now)
            if dry:
                _print(preview, as_json)
                continue
            report = run_for_tenant(database, tenant_id, now=now,
                                    acting=lambda t: Principal.operator(t, operator), audit_archive=archive)
            _print(report, as_json)
