"""``engium keys ...`` (root and data key rotation, status) and ``engium tenant delete``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

import typer

from engium.cli.operator import existing_tenant_transaction, fail, migrated, operator_actor
from engium.crypto.envelope import DecryptionError
from engium.crypto.keyring import DataKeyRing, root_key_provider
from engium.crypto.providers import KeyProviderError
from engium.kit.database import Database

keys_app = typer.Typer(no_args_is_help=True, help="Credentials vault keys: status and rotation.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")]


def _fail(message: str) -> None:
    fail(message)


@contextmanager
def _vault(data_dir: Path | None) -> Iterator[tuple[Database, DataKeyRing]]:
    with migrated(data_dir) as (settings, database):
        try:
            yield database, DataKeyRing(root_key_provider(settings))
        except KeyProviderError as exc:
            _fail(str(exc))
        except DecryptionError:
            _fail("a data key could not be unwrapped: is a root key missing from the keyring or environment?")


def _print(report: dict[str, Any], as_json: bool, summary: str) -> None:
    typer.echo(json.dumps(report, default=str) if as_json else summary)


@keys_app.command("status")
def keys_status(data_dir: DataDir = None, as_json: JsonFlag = False) -> None:
    """Show the root key provider, its keys, and how many data keys each root key wraps."""
    from engium.crypto import repository

    with _vault(data_dir) as (database, vault):
        with database.transaction() as session:
            in_use = repository.root_keys_in_use(session)
        report = {
            "provider": vault.provider.name,
            "active_root_key_id": vault.provider.active_key_id(),
            "root_key_ids": list(vault.provider.key_ids()),
            "data_keys_by_root_key": in_use,
        }
    _print(report, as_json, "\n".join(f"{k}: {v}" for k, v in report.items()))


@keys_app.command("rotate-root")
def rotate_root(
    data_dir: DataDir = None,
    rewrap_only: Annotated[
        bool,
        typer.Option(
            "--rewrap-only",
            help="Do not create a key; re-wrap onto the already active one (environment provider, resume)",
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Make a new root key active and re-wrap every tenant's data keys under it; old root keys are
    kept until the re-wrap has finished, then removed from the key file."""
    from engium.crypto.rotation import rotate_root_key

    with _vault(data_dir) as (database, vault):
        report = rotate_root_key(database, vault, create_new_key=not rewrap_only, actor=operator_actor())
    summary = (
        f"root key {report.root_key_id} active; {report.data_keys_rewrapped} data keys of {report.tenants} "
        f"tenants re-wrapped; removed {report.removed_root_keys or 'none'}"
    )
    if report.remaining_root_keys:
        summary += f"; still configured (remove them yourself): {report.remaining_root_keys}"
    _print(asdict(report), as_json, summary)


@keys_app.command("rotate")
def rotate_tenant(
    tenant: Annotated[UUID | None, typer.Option("--tenant", help="Tenant id")] = None,
    platform: Annotated[
        bool, typer.Option("--platform", help="The platform's own data key instead (members' TOTP secrets)")
    ] = False,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, max=10_000)] = 100,
    data_dir: DataDir = None,
    as_json: JsonFlag = False,
) -> None:
    """New data key version for one tenant (or the platform); re-encrypts its secrets in batches, then
    retires the old."""
    from engium.audit.recorder import PLATFORM_TENANT
    from engium.calendars.imports import CalendarImportReencryption
    from engium.crypto.rotation import ReencryptionTarget, rotate_tenant_data_key
    from engium.identity.totp import TotpReencryption
    from engium.integrations.service import CredentialReencryption

    if platform == (tenant is not None):
        _fail("give exactly one of --tenant ID or --platform")
    target_tenant = PLATFORM_TENANT if platform else tenant
    assert target_tenant is not None
    targets: list[ReencryptionTarget] = [TotpReencryption()] if platform else [CredentialReencryption(),
                                                                                   CalendarImportReencryption()]
    with _vault(data_dir) as (database, vault):
        if not platform:
            with existing_tenant_transaction(database, target_tenant):
                pass  # only the existence check: exit 2 with a clear message for an unknown tenant
        report = rotate_tenant_data_key(database, vault, target_tenant, targets, batch_size=batch_size,
                                        actor=operator_actor())
    who = "platform" if platform else f"tenant {target_tenant}"
    summary = (
        f"{who}: data key v{report.new_version} active; re-encrypted {report.reencrypted}; "
        f"retired versions {report.retired_versions}"
    )
    _print(asdict(report), as_json, summary)


def tenant_delete(
    tenant: Annotated[UUID, typer.Argument(help="Tenant id")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
    data_dir: DataDir = None,
) -> None:
    """Delete a tenant and everything it owns. Its data keys are destroyed, so copies of its encrypted
    credentials (backups, dumps) become unreadable. The audit log is kept."""
    from engium.audit import recorder as audit
    from engium.audit.actions import AuditAction
    from engium.errors import NotFound
    from engium.tenancy.service import delete_tenant

    if not yes:
        typer.confirm(f"Permanently delete tenant {tenant} and all its data?", abort=True)
    with migrated(data_dir) as (_, database):
        try:
            with database.transaction() as session:
                delete_tenant(session, tenant, actor=operator_actor())
        except NotFound:
            _fail(f"tenant {tenant} not found")
        with database.transaction() as session:
            # Also on the platform chain: the operator-level record of which tenant was shredded.
            audit.record(session, None, AuditAction.TENANT_DELETED, resource_type="tenant", resource_id=tenant,
                         actor=operator_actor())
    typer.echo(f"tenant {tenant} deleted; its data keys are destroyed")


def register(app: typer.Typer, tenant_app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    tenant_app.command("delete")(tenant_delete)
