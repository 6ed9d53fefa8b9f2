"""``engium audit ...``: verify the log, seal it now, export a tenant's chain, verify an export offline.

Exit status: 0 intact, 1 tampering found (the first broken event of each broken chain is printed),
2 usage errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import typer
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from engium.audit.chain import Finding
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir, seal_with_settings
from engium.audit.export import iter_export_lines, verify_export_lines
from engium.audit.signing import KeyRing, export_public_keys, verifier_keys
from engium.audit.verify import verify_database
from engium.cli.operator import migrated
from engium.tenancy.binding import tenant_transaction

if TYPE_CHECKING:
    pass

audit_app = typer.Typer(no_args_is_help=True, help="Verify, seal and export the audit log.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]
PublicKeys = Annotated[
    list[Path] | None,
    typer.Option("--public-key", help="Trust only this PEM public key (repeatable)", exists=True, dir_okay=False),
]


def _report_broken(findings: list[Finding]) -> None:
    for finding in findings:
        typer.echo(f"BROKEN tenant {finding.tenant_id} seq {finding.seq}: {finding.reason}")


@audit_app.command("verify")
def verify(
    tenant: Annotated[UUID | None, typer.Option("--tenant", help="Verify only this tenant's chain")] = None,
    public_key: PublicKeys = None,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """Recompute every chain and check it against the signed, anchored checkpoints."""
    with migrated(data_dir) as (settings, database):
        keys = verifier_keys(settings, public_key or ())
        # Its own engine: the verifier needs one connection, and a pool's reset must not interfere.
        engine = create_engine(database.urls.owner, poolclass=NullPool)
        try:
            report = verify_database(engine, keys, DirectoryAnchorStore(anchor_dir(settings)), tenant)
        finally:
            engine.dispose()
    broken = report.broken
    if as_json:
        typer.echo(json.dumps({
            **report.summary(),
            "broken": [{"tenant_id": str(f.tenant_id), "seq": f.seq, "reason": f.reason} for f in broken],
        }))
    elif broken:
        _report_broken(broken)
    else:
        s = report.summary()
        typer.echo(
            f"audit log intact: {s['tenants']} tenant(s), {s['events']} event(s), {s['checkpoints']} "
            f"checkpoint(s) ({s['anchored']} anchored), {s['unsealed_events']} unsealed event(s); "
            f"{s['events_per_second'] or 0} events/s"
        )
    if broken:
        raise typer.Exit(code=1)


@audit_app.command("seal")
def seal_now(data_dir: DataDir = None) -> None:
    """Sign and anchor a checkpoint for every chain with unsealed events, now."""
    with migrated(data_dir) as (settings, database):
        sealed = seal_with_settings(database, settings)
    typer.echo(f"sealed {len(sealed)} chain(s)")


@audit_app.command("export")
def export(
    tenant: Annotated[UUID, typer.Option("--tenant", help="Tenant whose chain to export")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: stdout)")] = None,
    data_dir: DataDir = None,
) -> None:
    """Write one tenant's chain, checkpoints and public keys as JSON Lines."""
    with migrated(data_dir) as (settings, database), tenant_transaction(database, tenant) as session:
        lines = iter_export_lines(session, tenant, export_public_keys(settings))
        if output is None:
            sys.stdout.writelines(lines)
        else:
            with output.open("w", encoding="utf-8") as handle:
                handle.writelines(lines)


@audit_app.command("verify-export")
def verify_export(
    file: Annotated[Path, typer.Argument(help="An export (JSON Lines)", exists=True, dir_okay=False)],
    public_key: PublicKeys = None,
    as_json: JsonFlag = False,
) -> None:
    """Verify an export offline, without any database."""
    pinned = KeyRing.from_pems(p.read_bytes() for p in public_key) if public_key else None
    with file.open(encoding="utf-8", errors="replace") as handle:
        report = verify_export_lines(handle, pinned)
    first = report.first
    if as_json:
        typer.echo(json.dumps({
            "ok": first is None, "tenant_id": str(report.tenant_id), "events": report.events,
            "checkpoints": report.checkpoints, "unsealed_events": report.unsealed,
            "broken": None if first is None else {"seq": first.seq, "reason": first.reason},
        }))
    elif first is not None:
        _report_broken([first])
    else:
        if pinned is None:
            typer.echo("warning: signatures checked against the keys named in the file itself; "
                       "pass --public-key to pin a key you obtained independently", err=True)
        typer.echo(f"export intact: tenant {report.tenant_id}, {report.events} event(s), "
                   f"{report.checkpoints} checkpoint(s), {report.unsealed} unsealed event(s)")
    if first is not None:
        raise typer.Exit(code=1)
