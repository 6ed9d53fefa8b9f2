"""Trust: the business's subprocessor register (as published), objections to announced subprocessors and
the generated DPA: generate, read, download as PDF, accept.

Owners, admins and auditors read (``privacy:read``); owners and admins generate (``privacy:manage``); only
the owner objects and accepts (the services refuse anyone else). Through ``trust.*`` as ``/api/v1/trust``.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission, Role
from engium.kit.transaction import DbSession
from engium.tenancy import service as tenancy
from engium.trust import announcements, dpa, dpa_versions
from engium.trust.configured import dpa_setup, operator_config
from engium.trust.dpa_document import text_lines
from engium.trust.register import effective_register, register_path
from engium.trust.routes import pdf_of
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.PRIVACY_READ)]
Writer = Annotated[Member, actor(Permission.PRIVACY_MANAGE)]
Version = Annotated[int, Path(ge=1, le=1_000_000)]
NOTICES = {"objected": "Objection recorded: the operator has been told.", "generated": "New DPA version generated.",
           "accepted": "DPA version accepted."}


def _trust_page(request: Request, session: Session, member: Member, *, error: str = "") -> HTMLResponse:
    tenant = tenancy.get_tenant(session)
    objected = {o.announcement_id for o in announcements.objections_of_tenant(session)}
    accepted = dpa_versions.acceptances(session)
    return render(request, "trust.html", {
        "register": effective_register(session, operator_config(request)), "objected": objected,
        "public_path": register_path(tenant.public_id), "versions": dpa_versions.versions(session),
        "accepted": accepted, "is_owner": member.principal.role is Role.OWNER, "error": error,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get("/trust", response_class=HTMLResponse)
def trust_page(request: Request, member: Reader, session: DbSession) -> Response:
    return _trust_page(request, session, member)


@router.post("/trust/announcements/{announcement_id}/object", response_class=HTMLResponse)
def object_to(request: Request, announcement_id: UUID, member: Writer, session: DbSession,
              form: PostedForm) -> Response:
    reason = form.get("reason")
    text = reason.strip()[:1000] if isinstance(reason, str) else ""
    attempt(session, lambda: announcements.object_to(session, member.principal, announcement_id, text),
            lambda message: _trust_page(request, session, member, error=message))
    return see_other("/trust?done=objected")


@router.post("/trust/dpa", response_class=HTMLResponse)
def generate_dpa(request: Request, member: Writer, session: DbSession) -> Response:
    row = attempt(session, lambda: dpa.generate(session, member.principal, dpa_setup(request)),
                  lambda message: _trust_page(request, session, member, error=message))
    return see_other(f"/trust/dpa/{row.version}/view?done=generated")


@router.post("/trust/dpa/{version}/accept", response_class=HTMLResponse)
def accept_dpa(request: Request, version: Version, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: dpa_versions.accept(session, member.principal, version),
            lambda message: _trust_page(request, session, member, error=message))
    return see_other(f"/trust/dpa/{version}/view?done=accepted")


def _dpa_context(session: Session, version: int) -> dict[str, Any]:
    row = dpa_versions.get_version(session, version)
    accepted = dpa_versions.acceptances(session)
    return {"row": row, "document": dpa_versions.document_of(row), "signature": dpa_versions.signature_text(row),
            "accepted": accepted.get(version),
            "changes": dpa_versions.changes_since(dpa_versions.accepted_version(session), row),
            "business": tenancy.get_settings(session).business_name, "lines": text_lines}


@router.get("/trust/dpa/{version}/view", response_class=HTMLResponse)
def dpa_page(request: Request, version: Version, member: Reader, session: DbSession) -> Response:
    context = _dpa_context(session, version)
    context.update(notice=NOTICES.get(request.query_params.get("done", ""), ""), error="",
                   is_owner=member.principal.role is Role.OWNER)
    return render(request, "trust_dpa.html", context)


@router.get("/trust/dpa/{version}/pdf")
def dpa_pdf(version: Version, member: Reader, session: DbSession) -> Response:
    return Response(pdf_of(session, dpa_versions.get_version(session, version)), media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="dpa-v{version}.pdf"'})
