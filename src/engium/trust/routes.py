"""HTTP for the trust centre: the register as the business sees it, objections, and the generated DPA."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy.orm import Session

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.transaction import DbSession
from engium.tenancy import service as tenancy
from engium.trust import announcements, dpa, dpa_versions
from engium.trust.configured import dpa_setup, operator_config
from engium.trust.dpa_pdf import render_pdf
from engium.trust.models import DpaVersion
from engium.trust.public_view import register_json
from engium.trust.register import effective_register
from engium.trust.schemas import (
    DpaVersionList,
    DpaVersionOut,
    ObjectionIn,
    ObjectionList,
    ObjectionOut,
    RegisterOut,
)

router = APIRouter(prefix="/trust", tags=["trust"])

TrustRead = Annotated[Principal, Requires(Permission.PRIVACY_READ)]
TrustManage = Annotated[Principal, Requires(Permission.PRIVACY_MANAGE)]


@router.get("/subprocessors", response_model=RegisterOut)
def get_register(request: Request, principal: TrustRead, session: DbSession) -> RegisterOut:
    """The effective register (operator's and this business's subprocessors, upcoming ones, history): the
    same content as the public page ``/trust/{public_id}/subprocessors``."""
    tenant = tenancy.get_tenant(session)
    business = tenancy.get_settings(session).business_name
    register = effective_register(session, operator_config(request))
    return RegisterOut.model_validate(register_json(register, business, tenant.public_id))


@router.post("/announcements/{announcement_id:uuid}/objection", response_model=ObjectionOut, status_code=201)
def object_to_announcement(announcement_id: UUID, body: ObjectionIn, principal: TrustManage,
                           session: DbSession) -> ObjectionOut:
    """The owner objects to an announced subprocessor before it takes effect (GDPR Art. 28(2)); the
    operator sees it with ``engium subprocessors objections``. Once per announcement."""
    return ObjectionOut.model_validate(announcements.object_to(session, principal, announcement_id, body.reason))


@router.get("/objections", response_model=ObjectionList)
def list_objections(principal: TrustRead, session: DbSession) -> ObjectionList:
    return ObjectionList(items=[ObjectionOut.model_validate(o) for o in announcements.objections_of_tenant(session)])


# --- the DPA ---------------------------------------------------------------------------------------

Version = Annotated[int, Path(ge=1, le=1_000_000)]
PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
          "description": "The version as a PDF"},
}


def _version_out(session: Session, row: DpaVersion) -> DpaVersionOut:
    accepted = dpa_versions.acceptances(session)
    return DpaVersionOut(
        version=row.version, generated_at=row.generated_at, sha256=row.sha256, key_id=row.key_id,
        signature=dpa_versions.signature_text(row),
        accepted_at=accepted[row.version].accepted_at if row.version in accepted else None,
        changes_since_accepted=dpa_versions.changes_since(dpa_versions.accepted_version(session), row),
        document=dpa_versions.document_of(row),
    )


@router.post("/dpa", response_model=DpaVersionOut, status_code=201)
def generate_dpa(request: Request, principal: TrustManage, session: DbSession) -> DpaVersionOut:
    """Generates a new DPA version from the running system (Annex II queried now, Annex III the effective
    register), stores it with its SHA-256 and Ed25519 signature, and shows what changed since the accepted
    version."""
    return _version_out(session, dpa.generate(session, principal, dpa_setup(request)))


@router.get("/dpa", response_model=DpaVersionList)
def list_dpa_versions(principal: TrustRead, session: DbSession) -> DpaVersionList:
    """Every generated version, newest first, with acceptance and the changes since the accepted one."""
    return DpaVersionList(items=[_version_out(session, row) for row in dpa_versions.versions(session)])


@router.get("/dpa/{version}", response_model=DpaVersionOut)
def get_dpa_version(version: Version, principal: TrustRead, session: DbSession) -> DpaVersionOut:
    return _version_out(session, dpa_versions.get_version(session, version))


@router.get("/dpa/{version}/pdf", response_class=Response, responses=PDF_RESPONSE)
def get_dpa_pdf(version: Version, principal: TrustRead, session: DbSession) -> Response:
    """The version as a PDF (the same lines as the signed document, with its hash and signature)."""
    return Response(pdf_of(session, dpa_versions.get_version(session, version)), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="dpa-v{version}.pdf"'})


@router.post("/dpa/{version}/accept", response_model=DpaVersionOut)
def accept_dpa_version(version: Version, principal: TrustManage, session: DbSession) -> DpaVersionOut:
    """The owner accepts this version (recorded in the audit log with its SHA-256); once per version."""
    dpa_versions.accept(session, principal, version)
    return _version_out(session, dpa_versions.get_version(session, version))


def pdf_of(session: Session, row: DpaVersion) -> bytes:
    return render_pdf(dpa_versions.document_of(row), version=row.version, sha256=row.sha256, key_id=row.key_id,
                      signature=dpa_versions.signature_text(row), business=tenancy.get_settings(session).business_name)
