"""HTTP for outbound webhooks. The signing secret is in a response only when it is generated.

Managing endpoints needs ``integrations:manage``: an endpoint is an integration credential (its
secret lives in the vault) plus a URL the server will call, the same trust as the integrations API.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.webhooks import service
from engium.webhooks.models import WebhookEndpoint
from engium.webhooks.schemas import (
    DeliveryOut,
    EndpointCreate,
    EndpointCreated,
    EndpointOut,
    EndpointUpdate,
    SecretRotate,
    SecretRotated,
)

router = APIRouter(tags=["webhooks"])

Manage = Annotated[Principal, Requires(Permission.INTEGRATIONS_MANAGE)]


def guard(request: Request) -> service.Guard:
    return service.Guard(runtime_of(request).settings.webhooks)


def _out(endpoint: WebhookEndpoint, public_key: str) -> EndpointOut:
    return EndpointOut.model_validate({**_fields(endpoint), "signing_public_key": public_key})


def _fields(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {name: getattr(endpoint, name) for name in EndpointOut.model_fields if name != "signing_public_key"}


@router.get("/webhook-endpoints", response_model=list[EndpointOut])
def list_endpoints(principal: Manage, session: DbSession) -> list[EndpointOut]:
    public_key = service.signing_public_key(session)
    return [_out(e, public_key) for e in service.list_endpoints(session)]


@router.post("/webhook-endpoints", response_model=EndpointCreated, status_code=201)
def create_endpoint(body: EndpointCreate, principal: Manage, session: DbSession, request: Request) -> EndpointCreated:
    endpoint, secret = service.create_endpoint(session, runtime_of(request).vault, principal, body, guard(request))
    return EndpointCreated.model_validate(
        {**_fields(endpoint), "signing_public_key": service.signing_public_key(session),
         "secret": secret.reveal_text()}
    )


@router.get("/webhook-endpoints/{endpoint_id:uuid}", response_model=EndpointOut)
def get_endpoint(endpoint_id: UUID, principal: Manage, session: DbSession) -> EndpointOut:
    return _out(service.get_endpoint(session, endpoint_id), service.signing_public_key(session))


@router.patch("/webhook-endpoints/{endpoint_id:uuid}", response_model=EndpointOut)
def update_endpoint(
    endpoint_id: UUID, body: EndpointUpdate, principal: Manage, session: DbSession, request: Request
) -> EndpointOut:
    endpoint = service.update_endpoint(session, principal, endpoint_id, body, guard(request))
    return _out(endpoint, service.signing_public_key(session))


@router.delete("/webhook-endpoints/{endpoint_id:uuid}", status_code=204)
def delete_endpoint(endpoint_id: UUID, principal: Manage, session: DbSession) -> Response:
    service.delete_endpoint(session, principal, endpoint_id)
    return Response(status_code=204)


@router.post("/webhook-endpoints/{endpoint_id:uuid}/rotate-secret", response_model=SecretRotated)
def rotate_secret(
    endpoint_id: UUID,
    principal: Manage,
    session: DbSession,
    request: Request,
    body: Annotated[SecretRotate | None, Body()] = None,
) -> SecretRotated:
    endpoint, secret, previous_valid_until = service.rotate_secret(
        session, runtime_of(request).vault, principal, endpoint_id, body or SecretRotate()
    )
    return SecretRotated(id=endpoint.id, secret=secret.reveal_text(), previous_valid_until=previous_valid_until)


@router.get("/webhook-endpoints/{endpoint_id:uuid}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    endpoint_id: UUID, principal: Manage, session: DbSession, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> list[DeliveryOut]:
    return [DeliveryOut.model_validate(d) for d in service.list_deliveries(session, endpoint_id, limit)]


@router.post("/webhook-deliveries/{delivery_id:uuid}/redeliver", response_model=DeliveryOut, status_code=202)
def redeliver(delivery_id: UUID, principal: Manage, session: DbSession) -> DeliveryOut:
    return DeliveryOut.model_validate(service.redeliver(session, principal, delivery_id))
