"""One outbound webhook delivery queued for a loopback receiver, for tests that run real worker processes."""

from __future__ import annotations

from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from engium.webhooks import service as webhooks
from engium.webhooks.schemas import EndpointCreate
from engium.webhooks.settings import WebhookSettings
from tests.conftest import TenantHandle, make_tenant
from tests.tenancy.fixtures import owner_principal


def queue_one_delivery(runtime: Runtime, url: str) -> TenantHandle:
    """A new tenant with an endpoint at ``url`` (loopback, plain HTTP) and one ``booking.created`` event."""
    tenant = make_tenant(runtime)
    with tenant_transaction(runtime.database, tenant.id) as session:
        webhooks.create_endpoint(
            session, runtime.vault, owner_principal(tenant),
            EndpointCreate(url=url, event_types=["booking.created"]),
            webhooks.Guard(WebhookSettings(allow_private_networks=True, allow_http=True)),
        )
        webhooks.emit(session, tenant.id, "booking.created", {"booking_id": "b-1"})
    return tenant
