"""HTTP for a tenant's own evidence archive: owners and auditors (``audit:read``), that tenant only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.signing import load_or_create_signing_key, signing_key_path, verifier_keys
from engium.errors import Unprocessable
from engium.evidence.export import export_tenant
from engium.evidence.window import Window
from engium.kit.app_state import runtime_of
from engium.kit.request_fields import IsoDate
from engium.kit.transaction import DbSession

router = APIRouter(tags=["evidence"])

EvidenceRead = Annotated[Principal, Requires(Permission.AUDIT_READ)]
# A year and a day: enough for a SOC 2 Type II period; the operator's CLI has no limit.
MAX_DAYS = 366
ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}


@router.get("/evidence", response_class=Response,
            responses={200: {"content": ZIP, "description": "The signed evidence archive (a zip)"}})
def export_evidence(
    request: Request,
    principal: EvidenceRead,
    session: DbSession,
    first_day: Annotated[IsoDate, Query(alias="from", description="First day covered (UTC)")],
    last_day: Annotated[IsoDate, Query(alias="to", description="Last day covered, included (UTC)")],
) -> Response:
    """This business's SOC 2 evidence over the window (access review, audit-chain verification and
    checkpoints, key rotations, retention runs, data-subject requests, migrations), every file hashed in a
    manifest signed with the audit log's key: check it with `engium evidence verify` (docs/evidence.md).
    At most 366 days; the export is recorded in the audit log."""
    try:
        window = Window(first_day, last_day)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from exc
    if window.days > MAX_DAYS:
        raise Unprocessable(f"the window may cover at most {MAX_DAYS} days")
    runtime = runtime_of(request)
    settings = runtime.settings
    archive = export_tenant(session, principal, runtime.database,
                            load_or_create_signing_key(signing_key_path(settings)), verifier_keys(settings),
                            DirectoryAnchorStore(anchor_dir(settings)), window)
    filename = f"engium-evidence-{principal.tenant_id}-{window.first_day}-{window.last_day}.zip"
    return Response(archive, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
