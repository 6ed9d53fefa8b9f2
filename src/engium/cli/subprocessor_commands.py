"""``engium subprocessors announce | objections``: the operator's side of the subprocessor register.

``announce`` records a new operator-level subprocessor with an effective date at least the notice period
ahead (``ENGIUM_SUBPROCESSOR_NOTICE_DAYS``, 30 by default); it shows as upcoming on every business's
register and feed at once, and businesses' owners may object until it takes effect. ``objections`` lists
those objections, per business.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from engium.audit.recorder import PLATFORM_TENANT
from engium.cli.operator import fail, migrated, operator_name
from engium.privacy.retention import tenant_ids
from engium.tenancy.binding import tenant_transaction
from engium.trust import announcements
from engium.trust.register import announcements as announced
from engium.trust.settings import CATEGORIES, OperatorSubprocessor

subprocessors_app = typer.Typer(no_args_is_help=True, help="The operator's subprocessors: announcements, objections.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]


@subprocessors_app.command("announce")
def announce(
    name: Annotated[str, typer.Option("--name", help="Who the new subprocessor is")],
    purpose: Annotated[str, typer.Option("--purpose", help="What it does with the data")],
    location: Annotated[str, typer.Option("--location", help="Where it processes the data")],
    categories: Annotated[str, typer.Option("--categories", help=f"Comma-separated, of: {', '.join(CATEGORIES)}")],
    effective: Annotated[str, typer.Option("--effective", help="YYYY-MM-DD, at least the notice period ahead")],
    data_dir: DataDir = None,
) -> None:
    """Announce a new operator-level subprocessor to every business."""
    try:
        effective_on = date.fromisoformat(effective)
        subprocessor = OperatorSubprocessor(name=name, purpose=purpose, location=location,
                                            data_categories=tuple(c.strip() for c in categories.split(",") if c))
    except ValueError as exc:
        reason = "; ".join(str(e["msg"]) for e in exc.errors()) if isinstance(exc, ValidationError) else str(exc)
        fail(f"invalid announcement: {reason}")
    with migrated(data_dir) as (settings, database), database.transaction() as session:
        try:
            row = announcements.announce(session, subprocessor, effective_on,
                                         notice_days=settings.subprocessor_notice_days, operator=operator_name())
        except announcements.TooSoon as exc:
            fail(str(exc))
        typer.echo(f"announced {row.name} (id {row.id}), effective {row.effective_on.isoformat()}")


@subprocessors_app.command("objections")
def objections(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per objection")] = False,
    data_dir: DataDir = None,
) -> None:
    """Every business's objections to announced subprocessors."""
    with migrated(data_dir) as (_settings, database):
        with database.transaction() as session:
            by_id = {a.id: a for a in announced(session)}
        found = []
        for tenant_id in tenant_ids(database):
            if tenant_id == PLATFORM_TENANT:
                continue  # the platform's own vault tenant is no business and never objects
            with tenant_transaction(database, tenant_id) as session:
                found += announcements.describe(announcements.objections_of_tenant(session), by_id)
    for o in found:
        if as_json:
            typer.echo(json.dumps({"tenant_id": str(o.tenant_id), "subprocessor": o.announcement,
                                   "effective_on": o.effective_on.isoformat(),
                                   "objected_at": o.objected_at.isoformat(), "reason": o.reason}))
        else:
            typer.echo(f"tenant {o.tenant_id} objects to {o.announcement} (effective {o.effective_on.isoformat()}) "
                       f"since {o.objected_at:%Y-%m-%d %H:%M}: {o.reason or '(no reason given)'}")
    if not found and not as_json:
        typer.echo("no objections")
