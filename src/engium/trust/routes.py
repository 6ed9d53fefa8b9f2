"""HTTP for the trust centre: the register as the business sees it, objections, and the generated DPA."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.transaction import DbSession
from engium.tenancy import service as tenancy
from engium.trust import announcements
from engium.trust.configured import operator_config
from engium.trust.public_view import register_json
from engium.trust.register import effective_register
from engium.trust.schemas import ObjectionIn, ObjectionList, ObjectionOut, RegisterOut

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


@router.post("/announcements/{announcement_id}/objection", response_model=ObjectionOut, status_code=201)
def object_to_announcement(announcement_id: UUID, body: ObjectionIn, principal: TrustManage,
                           session: DbSession) -> ObjectionOut:
    """The owner objects to an announced subprocessor before it takes effect (GDPR Art. 28(2)); the
    operator sees it with ``engium subprocessors objections``. Once per announcement."""
    return ObjectionOut.model_validate(announcements.object_to(session, principal, announcement_id, body.reason))


@router.get("/objections", response_model=ObjectionList)
def list_objections(principal: TrustRead, session: DbSession) -> ObjectionList:
    return ObjectionList(items=[ObjectionOut.model_validate(o) for o in announcements.objections_of_tenant(session)])
