"""Integrations: write-only credentials (only ``last4`` is ever shown) with rotation, and outbound
webhook endpoints with their delivery log and redelivery, through ``integrations.service`` and
``webhooks.service`` as ``/api/v1/integrations`` and ``/api/v1/webhook-endpoints``.

A secret typed here goes to the vault and is never rendered back; a webhook signing secret that the
server generates is shown once, in the response to the form that created or rotated it.
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.errors import Unprocessable
from engium.integrations import service as integrations
from engium.integrations.schemas import CredentialCreate, CredentialRotate
from engium.kit.transaction import DbSession
from engium.runtime import Runtime
from engium.web.members import Member, PostedForm, actor, form_text, viewer
from engium.web.page_route import PageRoute, attempt, see_other
from engium.web.rendering import render
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EVENT_TYPES, EndpointCreate, EndpointUpdate, SecretRotate

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.INTEGRATIONS_MANAGE)]
Writer = Annotated[Member, actor(Permission.INTEGRATIONS_MANAGE)]
KIND_LABELS = {"twilio": "Twilio SMS", "whatsapp": "WhatsApp", "model_provider": "Model provider",
               "widget": "Chat widget", "webhook_endpoint": "Webhook"}
# Webhook endpoints keep their secrets as credentials too; they are managed in the webhooks tab.
LISTED_KINDS = ("twilio", "whatsapp", "model_provider", "widget")
NOTICES = {"added": "Credential saved.", "rotated": "Secret rotated.", "deleted": "Deleted.",
           "redelivery": "Redelivery queued.", "saved": "Saved."}
DELIVERIES_SHOWN = 50


def _metadata(text: str) -> dict[str, str]:
    """``key=value`` lines (account_sid=AC..., phone_number_id=...) to the credential's metadata."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise Unprocessable(f"Settings: write each as name=value (got {line.strip()[:40]!r})")
        found[key.strip()] = value.strip()
    return found


def _credentials_page(request: Request, session: Session, *, error: str = "", form: dict[str, Any] | None = None,
                      status: int = 200) -> HTMLResponse:
    listed = [c for c in integrations.list_credentials(session) if c.kind in LISTED_KINDS]
    return render(request, "integrations.html", {
        "tab": "credentials", "credentials": listed, "kinds": [(k, KIND_LABELS[k]) for k in LISTED_KINDS],
        "labels": KIND_LABELS, "error": error, "form": form or {},
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    }, status=status)


@router.get("/integrations", response_class=HTMLResponse)
def credentials(request: Request, member: Reader, session: DbSession) -> Response:
    return _credentials_page(request, session)


@router.post("/integrations", response_class=HTMLResponse)
def add_credential(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    kept = {"kind": form_text(form, "kind", 30), "name": form_text(form, "name", 100),
            "metadata": form_text(form, "metadata", 4096)}

    def create() -> None:
        body = CredentialCreate.model_validate({"kind": kept["kind"], "name": kept["name"],
                                                "secret": form_text(form, "secret", 4096),
                                                "metadata": _metadata(kept["metadata"])})
        integrations.create_credential(session, Runtime.of(request).vault, member.principal, body)

    attempt(session, create, lambda message: _credentials_page(request, session, error=message, form=kept))
    return see_other("/integrations?done=added")


@router.post("/integrations/{credential_id}/rotate", response_class=HTMLResponse)
def rotate_credential(request: Request, credential_id: UUID, member: Writer, session: DbSession,
                      form: PostedForm) -> Response:
    def rotate() -> None:
        grace = form_text(form, "grace_period_hours", 10) or "24"
        body = CredentialRotate.model_validate({"secret": form_text(form, "secret", 4096),
                                                "grace_period_hours": grace})
        integrations.rotate_credential(session, Runtime.of(request).vault, member.principal, credential_id, body)

    attempt(session, rotate, lambda message: _credentials_page(request, session, error=message))
    return see_other("/integrations?done=rotated")


@router.post("/integrations/{credential_id}/delete", response_class=HTMLResponse)
def delete_credential(request: Request, credential_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: integrations.delete_credential(session, member.principal, credential_id),
            lambda message: _credentials_page(request, session, error=message))
    return see_other("/integrations?done=deleted")


# --- webhooks ------------------------------------------------------------------------------------


def _guard(request: Request) -> webhooks.Guard:
    return webhooks.Guard(Runtime.of(request).settings.webhooks)


def _webhooks_page(request: Request, session: Session, *, error: str = "", revealed: dict[str, Any] | None = None,
                   form: dict[str, Any] | None = None) -> HTMLResponse:
    return render(request, "webhooks.html", {
        "tab": "webhooks", "endpoints": webhooks.list_endpoints(session), "event_types": EVENT_TYPES,
        "public_key": webhooks.signing_public_key(session), "error": error, "revealed": revealed,
        "form": form or {}, "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get("/integrations/webhooks", response_class=HTMLResponse)
def webhook_endpoints(request: Request, member: Reader, session: DbSession) -> Response:
    return _webhooks_page(request, session)


@router.post("/integrations/webhooks", response_class=HTMLResponse)
def add_endpoint(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    kept = {"url": form_text(form, "url", 2000), "description": form_text(form, "description", 200),
            "event_types": [v for v in form.getlist("event_types") if isinstance(v, str)]}
    endpoint, secret = attempt(
        session,
        lambda: webhooks.create_endpoint(session, Runtime.of(request).vault, member.principal,
                                         EndpointCreate.model_validate(kept), _guard(request)),
        lambda message: _webhooks_page(request, session, error=message, form=kept),
    )
    # Shown once, in this response only: the server keeps it encrypted and never returns it again.
    return _webhooks_page(request, session, revealed={"endpoint": endpoint, "secret": secret.reveal_text(),
                                                      "what": "created"})


def _endpoint_page(request: Request, session: Session, endpoint_id: UUID, *, error: str = "",
                   revealed: dict[str, Any] | None = None) -> HTMLResponse:
    endpoint = webhooks.get_endpoint(session, endpoint_id)
    return render(request, "webhook_endpoint.html", {
        "tab": "webhooks", "endpoint": endpoint, "deliveries": webhooks.list_deliveries(session, endpoint_id,
                                                                                         DELIVERIES_SHOWN),
        "event_types": EVENT_TYPES, "error": error, "revealed": revealed,
        "notice": NOTICES.get(request.query_params.get("done", ""), ""),
    })


@router.get("/integrations/webhooks/{endpoint_id}", response_class=HTMLResponse)
def endpoint_page(request: Request, endpoint_id: UUID, member: Reader, session: DbSession) -> Response:
    return _endpoint_page(request, session, endpoint_id)


@router.post("/integrations/webhooks/{endpoint_id}", response_class=HTMLResponse)
def update_endpoint(request: Request, endpoint_id: UUID, member: Writer, session: DbSession,
                    form: PostedForm) -> Response:
    changes = {"url": form_text(form, "url", 2000), "description": form_text(form, "description", 200),
               "event_types": [v for v in form.getlist("event_types") if isinstance(v, str)],
               "active": form.get("active") == "on"}
    attempt(session, lambda: webhooks.update_endpoint(session, member.principal, endpoint_id,
                                                      EndpointUpdate.model_validate(changes), _guard(request)),
            lambda message: _endpoint_page(request, session, endpoint_id, error=message))
    return see_other(f"/integrations/webhooks/{endpoint_id}?done=saved")


@router.post("/integrations/webhooks/{endpoint_id}/rotate-secret", response_class=HTMLResponse)
def rotate_endpoint_secret(request: Request, endpoint_id: UUID, member: Writer, session: DbSession) -> Response:
    _, secret, until = attempt(
        session, lambda: webhooks.rotate_secret(session, Runtime.of(request).vault, member.principal, endpoint_id,
                                                SecretRotate()),
        lambda message: _endpoint_page(request, session, endpoint_id, error=message),
    )
    return _endpoint_page(request, session, endpoint_id,
                          revealed={"secret": secret.reveal_text(), "previous_valid_until": until})


@router.post("/integrations/webhooks/{endpoint_id}/delete", response_class=HTMLResponse)
def delete_endpoint(request: Request, endpoint_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: webhooks.delete_endpoint(session, member.principal, endpoint_id),
            lambda message: _endpoint_page(request, session, endpoint_id, error=message))
    return see_other("/integrations/webhooks?done=deleted")


@router.post("/integrations/webhook-deliveries/{delivery_id}/redeliver", response_class=HTMLResponse)
def redeliver(request: Request, delivery_id: UUID, member: Writer, session: DbSession, form: PostedForm) -> Response:
    endpoint_id = form_text(form, "endpoint_id", 40)
    delivery = attempt(session, lambda: webhooks.redeliver(session, member.principal, delivery_id),
                       lambda message: _webhooks_page(request, session, error=message))
    return see_other(f"/integrations/webhooks/{delivery.endpoint_id or endpoint_id}?done=redelivery")

