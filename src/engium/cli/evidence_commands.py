"""``engium evidence export`` and ``engium evidence verify``: the SOC 2 evidence archive (docs/evidence.md).

``verify`` needs no database. Exit status: 0 verified, 1 not verified (every problem is printed), 2 usage.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.signing import KeyRing, load_or_create_signing_key, signing_key_path, verifier_keys
from engium.cli.operator import existing_tenant_transaction, fail, migrated, operator_name
from engium.evidence.export import export_operator
from engium.evidence.verify import verify_archive
from engium.evidence.window import Window
from engium.privacy.retention import tenant_ids

evidence_app = typer.Typer(no_args_is_help=True, help="SOC 2 evidence: export a signed archive, verify one.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]


@evidence_app.command("export")
def export(
    first: Annotated[str, typer.Option("--from", help="First day covered (YYYY-MM-DD, UTC)")],
    last: Annotated[str, typer.Option("--to", help="Last day covered, included (YYYY-MM-DD, UTC)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The archive to write (a .zip)", dir_okay=False)],
    tenant: Annotated[UUID | None, typer.Option("--tenant", help="Only this tenant")] = None,
    data_dir: DataDir = None,
) -> None:
    """Write the evidence archive for every tenant (or one): each file hashed in a signed manifest."""
    try:
        window = Window.parse(first, last)
    except ValueError as exc:
        fail(str(exc))
    if out.is_dir() or not out.parent.is_dir():
        fail(f"{out} is a directory, or its folder does not exist")
    with migrated(data_dir) as (settings, database):
        if tenant is not None:
            with existing_tenant_transaction(database, tenant):
                pass
        targets = [tenant] if tenant is not None else tenant_ids(database)
        signer = load_or_create_signing_key(signing_key_path(settings))
        archive = export_operator(database, signer, verifier_keys(settings), DirectoryAnchorStore(anchor_dir(settings)),
                                  window, targets, operator_name(), every_chain=tenant is None)
    # Written under a temporary name, then moved into place: a reader never sees half an archive.
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    partial.write_bytes(archive)
    partial.replace(out)
    typer.echo(f"wrote {out}: {len(targets)} tenant(s), {window.first_day} to {window.last_day}, "
               f"signed by key {signer.key_id}")
    typer.echo(f"verify it with: engium evidence verify {out} --public-key {signing_key_path(settings)}.pub")


@evidence_app.command("verify")
def verify(
    archive: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The evidence archive (.zip)")],
    public_key: Annotated[list[Path], typer.Option("--public-key", exists=True, dir_okay=False,
                                                   help="A trusted audit public key (PEM; repeatable)")],
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")] = False,
) -> None:
    """Check the manifest's signature against the given key and every file against the manifest."""
    try:
        keys = KeyRing.from_pems(path.read_bytes() for path in public_key)
    except (ValueError, OSError) as exc:
        typer.echo(f"error: cannot read the public key: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    check = verify_archive(archive, keys)
    if as_json:
        typer.echo(json.dumps({"ok": check.ok, "files_checked": check.files_checked, "key_id": check.key_id,
                               "problems": check.problems}))
    elif check.ok:
        manifest = check.manifest or {}
        window = manifest.get("window", {})
        typer.echo(f"verified: {check.files_checked} file(s) match the manifest signed by key {check.key_id} "
                   f"({window.get('from')} to {window.get('to')})")
    else:
        typer.echo(f"NOT VERIFIED: {len(check.problems)} problem(s)")
        for problem in check.problems:
            typer.echo(f"  {problem}")
    if not check.ok:
        raise typer.Exit(code=1)
