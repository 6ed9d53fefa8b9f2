"""The record of processing activities (GDPR Art. 30) and the subprocessor register, built from the live
configuration: the personal-data map (what is stored where and why), the tenant's profile (the
controller), the operator's model and embedding settings and the tenant's own integrations (who receives
what), and the tenant's retention settings (how long). Nothing in it is typed by hand per tenant, so it
cannot drift from what the system does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from engium.integrations import service as integrations
from engium.privacy.data_map import ACTIVITIES, STORES, DataSubject
from engium.tenancy import service as tenancy
from engium.webhooks import service as webhooks

FORMAT = "engium-record-of-processing-v1"

# What each kind of integration credential means for the data: who receives what, and where.
CHANNEL_PROCESSORS: dict[str, dict[str, str]] = {
    "twilio": {"name": "Twilio Inc.", "role": "SMS delivery", "data": "customer phone numbers, message text",
               "location": "United States (Twilio's data centres)"},
    "whatsapp": {"name": "Meta Platforms Ireland Ltd.", "role": "WhatsApp Cloud API",
                 "data": "customer phone numbers, message text", "location": "European Union / United States"},
}

SECURITY_MEASURES = (
    "Tenant isolation enforced by PostgreSQL row-level security (forced, on every tenant table)",
    "Credentials and second-factor secrets encrypted with AES-256-GCM under per-tenant data keys",
    "Personal values in the audit log encrypted under a per-customer key that erasure destroys",
    "Append-only, hash-chained audit log with Ed25519-signed checkpoints anchored outside the database",
    "Reads of transcripts and contact records are logged",
    "Inbound webhooks verified by signature over the raw bytes before any parsing",
    "Model calls through one gateway that records a receipt per call; no training on customer data",
)


@dataclass(frozen=True)
class ModelProcessing:
    """Where the operator sends prompts and texts to embed (``ENGIUM_AI_*``, ``ENGIUM_EMBEDDINGS_*``)."""

    provider: str  # grounded | openai | anthropic | llama-cpp
    base_url: str
    no_training: bool
    redacts_personal_data: bool
    embeddings_provider: str  # local | openai
    embeddings_base_url: str


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _model_recipients(model: ModelProcessing, accepts_retention: bool) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if model.provider in ("openai", "anthropic"):
        found.append({
            "name": f"{model.provider} model endpoint", "role": "generates the assistant's replies",
            "host": _host(model.base_url),
            "data": "conversation text" + (" with e-mail, phone, card and IBAN masked"
                                           if model.redacts_personal_data else ""),
            "retention": "none (operator's no-training assertion)" if model.no_training
            else "may retain; used only because this business accepted it" if accepts_retention
            else "refused: this business has not accepted a provider that may retain data",
        })
    if model.embeddings_provider == "openai":
        found.append({"name": "embedding endpoint", "role": "turns knowledge documents and questions into vectors",
                      "host": _host(model.embeddings_base_url), "data": "knowledge documents, customers' questions"})
    return found


def _integration_recipients(session: Session) -> list[dict[str, Any]]:
    kinds = sorted({credential.kind for credential in integrations.list_credentials(session)})
    found: list[dict[str, Any]] = [
        {"kind": kind, **CHANNEL_PROCESSORS[kind]} for kind in kinds if kind in CHANNEL_PROCESSORS
    ]
    for endpoint in webhooks.list_endpoints(session):
        found.append({
            "kind": "webhook_endpoint", "name": "the business's own system", "host": _host(endpoint.url),
            "events": list(endpoint.event_types), "active": endpoint.active,
            "data": "ids of contacts, conversations and bookings; states and times (never names or text)",
            # A sharing recipient (CCPA): customers who opted out of sale or sharing are withheld from it.
            "shares_personal_data": endpoint.shares_personal_data,
        })
    return found


def _stores() -> list[dict[str, Any]]:
    return [
        {
            "table": s.table, "domain": s.domain, "activity": s.activity.value,
            "personal_columns": [
                {"column": f.column, "category": f.category.value, "subject": f.subject.value} for f in s.personal
            ],
            "reached_by": s.reached_by, "erasure": s.erasure.value, "retention": s.retention,
        }
        for s in STORES if s.personal
    ]


def record_of_processing(
    session: Session, model: ModelProcessing, retention: dict[str, Any], *, now: datetime | None = None
) -> dict[str, Any]:
    """The bound tenant's record of processing, as of now."""
    tenant = tenancy.get_tenant(session)
    profile = tenancy.get_settings(session)
    activities = []
    for activity, description in ACTIVITIES.items():
        stores = [s for s in STORES if s.activity is activity and s.personal]
        activities.append({
            "activity": activity.value, "name": description.name, "purpose": description.purpose,
            "legal_basis": description.legal_basis,
            "data_subjects": [subject.value for subject in description.subjects],
            "data_categories": sorted({f.category.value for s in stores for f in s.personal}),
            "stores": [s.table for s in stores],
        })
    return {
        "format": FORMAT,
        "generated_at": (now or datetime.now(UTC)).isoformat(),
        "controller": {
            "tenant_id": str(tenant.id), "name": profile.business_name, "email": profile.email,
            "phone": profile.phone, "address": profile.address, "website": profile.website,
        },
        "data_subjects": [subject.value for subject in DataSubject],
        "activities": activities,
        "recipients": _model_recipients(model, profile.ai_accept_retention) + _integration_recipients(session),
        "retention": retention,
        "security_measures": list(SECURITY_MEASURES),
        "stores": _stores(),
    }
