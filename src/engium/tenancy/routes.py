from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.transaction import DbSession
from engium.tenancy import service
from engium.tenancy.schemas import SettingsOut, SettingsUpdate, TenantOut

router = APIRouter(tags=["tenant"])

TenantRead = Annotated[Principal, Requires(Permission.TENANT_READ)]
SettingsWrite = Annotated[Principal, Requires(Permission.SETTINGS_WRITE)]


@router.get("/tenant", response_model=TenantOut)
def get_tenant(principal: TenantRead, session: DbSession) -> TenantOut:
    return TenantOut.model_validate(service.get_tenant(session))


@router.get("/settings", response_model=SettingsOut)
def get_settings(principal: TenantRead, session: DbSession) -> SettingsOut:
    return SettingsOut.model_validate(service.get_settings(session))


@router.patch("/settings", response_model=SettingsOut)
def update_settings(body: SettingsUpdate, principal: SettingsWrite, session: DbSession) -> SettingsOut:
    return SettingsOut.model_validate(service.update_settings(session, principal, body))
