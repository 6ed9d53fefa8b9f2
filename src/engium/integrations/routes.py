"""HTTP for the credentials vault. Write-only: no route returns a secret, not even to its owner."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.integrations import service
from engium.integrations.schemas import CredentialCreate, CredentialOut, CredentialRotate
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession

router = APIRouter(prefix="/integrations", tags=["integrations"])

Manage = Annotated[Principal, Requires(Permission.INTEGRATIONS_MANAGE)]


@router.get("", response_model=list[CredentialOut])
def list_integrations(principal: Manage, session: DbSession) -> list[CredentialOut]:
    return [CredentialOut.model_validate(c) for c in service.list_credentials(session)]


@router.post("", response_model=CredentialOut, status_code=201)
def create_integration(
    body: CredentialCreate, principal: Manage, session: DbSession, request: Request
) -> CredentialOut:
    credential = service.create_credential(session, runtime_of(request).vault, principal, body)
    return CredentialOut.model_validate(credential)


@router.get("/{credential_id:uuid}", response_model=CredentialOut)
def get_integration(credential_id: UUID, principal: Manage, session: DbSession) -> CredentialOut:
    return CredentialOut.model_validate(service.get_credential(session, credential_id))


@router.delete("/{credential_id:uuid}", status_code=204)
def delete_integration(credential_id: UUID, principal: Manage, session: DbSession) -> Response:
    service.delete_credential(session, principal, credential_id)
    return Response(status_code=204)


@router.post("/{credential_id:uuid}/rotate", response_model=CredentialOut)
def rotate_integration(
    credential_id: UUID, body: CredentialRotate, principal: Manage, session: DbSession, request: Request
) -> CredentialOut:
    credential = service.rotate_credential(session, runtime_of(request).vault, principal, credential_id, body)
    return CredentialOut.model_validate(credential)
