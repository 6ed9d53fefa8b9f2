"""``engium knowledge index``: maintenance of a tenant's knowledge partition."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from engium.cli.operator import existing_tenant_transaction, fail, migrated, operator_actor

knowledge_app = typer.Typer(no_args_is_help=True, help="Knowledge base maintenance.")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (default: $ENGIUM_DATA_DIR or ./.engium)"),
]


@knowledge_app.command("index")
def index(
    tenant: Annotated[UUID, typer.Option("--tenant", help="Tenant id")],
    maintenance_work_mem: Annotated[
        str, typer.Option("--maintenance-work-mem", help="Memory for the index build, e.g. 512MB or 2GB")
    ] = "512MB",
    data_dir: DataDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON")] = False,
) -> None:
    """Add the HNSW vector index to the tenant's chunk partition once it holds 10,000 chunks or more
    (below that, exact search is fast and exact). Blocks writes to that tenant's chunks while it builds."""
    from engium.knowledge.maintenance import index_partition

    with migrated(data_dir) as (_, database), existing_tenant_transaction(database, tenant) as session:
        try:
            report = index_partition(session, tenant, maintenance_work_mem=maintenance_work_mem,
                                     actor=operator_actor())
        except ValueError as exc:
            fail(str(exc))
    if as_json:
        typer.echo(json.dumps({**asdict(report), "indexed": report.indexed}, default=str))
    elif report.built:
        typer.echo(f"tenant {tenant}: HNSW index built on {report.chunks} chunks ({report.partition})")
    elif report.had_index:
        typer.echo(f"tenant {tenant}: already indexed ({report.chunks} chunks)")
    else:
        typer.echo(
            f"tenant {tenant}: {report.chunks} chunks, below the {report.threshold} that an index needs; "
            "exact search stays"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(knowledge_app, name="knowledge")
