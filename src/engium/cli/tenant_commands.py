"""``engium tenant list|suspend|unsuspend``: the operator's view of every business (ADR 0040).

``engium tenant delete`` (keys_commands.py) predates these; the operator console's Businesses page runs
the same functions (tenancy/lifecycle.py), so the rules and audit events are the same on both paths.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from engium.cli.operator import fail, migrated, operator_actor
from engium.errors import AppError
from engium.tenancy import lifecycle

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]
COLUMNS = ("members", "contacts", "conversations", "messages_30_days", "bookings", "documents", "emails")


def _as_dict(usage: lifecycle.TenantUsage) -> dict[str, object]:
    found: dict[str, object] = {key: (str(value) if value is not None and not isinstance(value, int) else value)
                                for key, value in asdict(usage).items()}
    return found | {"suspended": usage.suspended}


def tenant_list(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Every business with its usage: members, contacts, conversations, messages of the last 30 days,
    bookings, knowledge documents and e-mails; suspended ones say so."""
    with migrated(data_dir) as (_, database):
        rows = lifecycle.list_usage(database)
    if as_json:
        typer.echo(json.dumps([_as_dict(u) for u in rows]))
        return
    if not rows:
        typer.echo("no businesses")
        return
    for usage in rows:
        state = "SUSPENDED" if usage.suspended else "active"
        counts = " ".join(f"{name}={getattr(usage, name)}" for name in COLUMNS)
        typer.echo(f"{usage.tenant_id}  {state:9}  {usage.name}  {counts}")


def tenant_suspend(
    tenant: Annotated[UUID, typer.Argument(help="Tenant id")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept for operators and in the audit trail)")],
    data_dir: DataDir = None,
) -> None:
    """Suspend a business: its staff cannot sign in, its sessions, API keys, widget and inbound webhooks are
    refused (403), and nothing it queued is sent. Its data is kept; `unsuspend` restores it."""
    with migrated(data_dir) as (_, database):
        try:
            usage = lifecycle.suspend(database, tenant, reason=reason, actor=operator_actor())
        except AppError as exc:
            fail(f"tenant {tenant}: {exc.message}")
    typer.echo(f"tenant {tenant} ({usage.name}) suspended")


def tenant_unsuspend(
    tenant: Annotated[UUID, typer.Argument(help="Tenant id")],
    data_dir: DataDir = None,
) -> None:
    """Lift a suspension: every way in works again (sends refused meanwhile stay failed)."""
    with migrated(data_dir) as (_, database):
        try:
            usage = lifecycle.unsuspend(database, tenant, actor=operator_actor())
        except AppError as exc:
            fail(f"tenant {tenant}: {exc.message}")
    typer.echo(f"tenant {tenant} ({usage.name}) is active again")


def register(tenant_app: typer.Typer) -> None:
    tenant_app.command("list")(tenant_list)
    tenant_app.command("suspend")(tenant_suspend)
    tenant_app.command("unsuspend")(tenant_unsuspend)
