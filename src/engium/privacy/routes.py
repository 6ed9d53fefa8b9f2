"""HTTP for privacy: the record of processing, data-subject requests, retention and consent."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Request

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.audit.signing import load_or_create_signing_key, signing_key_path
from engium.errors import NotFound
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.privacy import consent, export_store, requests
from engium.privacy.certificates import certificate_document
from engium.privacy.erasure import fulfil_erasure
from engium.privacy.export import fulfil_export
from engium.privacy.models import PrivacyCertificate, PrivacyRequest
from engium.privacy.policy import LIMITS, PrivacyPolicy, current_policy, update_policy
from engium.privacy.processing_record import ModelProcessing, record_of_processing
from engium.privacy.rectification import fulfil_rectification
from engium.privacy.retention import dry_run
from engium.privacy.schemas import (
    CertificateOut,
    ConsentHistory,
    ConsentIn,
    ConsentOut,
    LimitOut,
    PrivacySettingsOut,
    PrivacySettingsUpdate,
    ReasonIn,
    RecordOfProcessing,
    Rectification,
    RequestCreate,
    RequestList,
    RequestOut,
    RetentionPreviewOut,
)

router = APIRouter(prefix="/privacy", tags=["privacy"])

PrivacyRead = Annotated[Principal, Requires(Permission.PRIVACY_READ)]
PrivacyManage = Annotated[Principal, Requires(Permission.PRIVACY_MANAGE)]


def model_processing(request: Request) -> ModelProcessing:
    settings = runtime_of(request).settings
    return ModelProcessing(
        provider=settings.ai.provider, base_url=settings.ai.resolved_base_url, no_training=settings.ai.no_training,
        redacts_personal_data=settings.ai.redact_personal_data, embeddings_provider=settings.embeddings.provider,
        embeddings_base_url=settings.embeddings.base_url,
    )


@router.get("/record-of-processing", response_model=RecordOfProcessing)
def get_record_of_processing(request: Request, principal: PrivacyRead, session: DbSession) -> RecordOfProcessing:
    """What personal data this business processes, why, where it is stored, who receives it and for how
    long (GDPR Art. 30), generated from the live configuration."""
    record = record_of_processing(session, model_processing(request), current_policy(session).as_dict())
    return RecordOfProcessing.model_validate(record)


def _settings_out(policy: PrivacyPolicy) -> PrivacySettingsOut:
    limits = {name: LimitOut(**asdict(limit)) for name, limit in LIMITS.items()}
    return PrivacySettingsOut(**policy.as_dict(), limits=limits)


@router.get("/settings", response_model=PrivacySettingsOut)
def get_privacy_settings(principal: PrivacyRead, session: DbSession) -> PrivacySettingsOut:
    """The retention periods in force, with each one's default and documented bounds."""
    return _settings_out(current_policy(session))


@router.patch("/settings", response_model=PrivacySettingsOut)
def patch_privacy_settings(
    body: PrivacySettingsUpdate, principal: PrivacyManage, session: DbSession
) -> PrivacySettingsOut:
    """Changes retention periods (recorded in the audit log with the new values); bounds answer 422."""
    return _settings_out(update_policy(session, principal, body.model_dump(exclude_none=True)))


@router.get("/retention/preview", response_model=RetentionPreviewOut)
def preview_retention(principal: PrivacyRead, session: DbSession) -> RetentionPreviewOut:
    """What the next retention run would remove now, per category; removes nothing."""
    report = dry_run(session, principal.tenant_id, datetime.now(UTC))
    return RetentionPreviewOut(cutoffs=report.cutoffs, counts=report.counts, total=report.total,
                               audit_months=report.audit_months, audit_kept=report.audit_kept)


def _out(request: PrivacyRequest) -> RequestOut:
    out = RequestOut.model_validate(request)
    if request.status not in requests.CLOSED and request.deadline is not None:
        remaining = request.deadline - datetime.now(UTC)
        out.days_left = remaining.days
        out.overdue = remaining.total_seconds() < 0
    return out


@router.post("/requests", response_model=RequestOut, status_code=201)
def file_request(body: RequestCreate, principal: PrivacyManage, session: DbSession) -> RequestOut:
    """Logs a data-subject request from a person staff have identified; its legal clock starts now."""
    return _out(requests.file_request(session, principal, body.kind, body.contact_id, body.regime))


@router.get("/requests", response_model=RequestList)
def list_requests(principal: PrivacyRead, session: DbSession, open_only: bool = False) -> RequestList:
    """Requests with their deadlines: open ones first, the nearest deadline first."""
    return RequestList(items=[_out(r) for r in requests.list_requests(session, open_only=open_only)])


@router.get("/requests/{request_id:uuid}", response_model=RequestOut)
def get_request(request_id: UUID, principal: PrivacyRead, session: DbSession) -> RequestOut:
    return _out(requests.get_request(session, request_id))


@router.post("/requests/{request_id:uuid}/extend", response_model=RequestOut)
def extend_request(request_id: UUID, body: ReasonIn, principal: PrivacyManage, session: DbSession) -> RequestOut:
    """Extends the deadline once, as far as the regime allows; the reason is kept with the request."""
    return _out(requests.extend(session, principal, request_id, body.reason))


@router.post("/requests/{request_id:uuid}/refuse", response_model=RequestOut)
def refuse_request(request_id: UUID, body: ReasonIn, principal: PrivacyManage, session: DbSession) -> RequestOut:
    return _out(requests.refuse(session, principal, request_id, body.reason))


@router.post("/requests/{request_id:uuid}/export")
def export_subject(request_id: UUID, principal: PrivacyManage, session: DbSession) -> dict[str, Any]:
    """Fulfils an access or export request: the person's data as one JSON bundle (the request completes)."""
    return fulfil_export(session, principal, request_id)


@router.get("/requests/{request_id:uuid}/export")
def download_export(request_id: UUID, principal: PrivacyManage, session: DbSession) -> dict[str, Any]:
    """The bundle an export produced, again, for 30 days (sealed under the person's key meanwhile: an
    erasure makes it unreadable at once). Every download is audited. 404 when none is kept."""
    bundle, _ = export_store.read(session, principal, request_id)
    return bundle


@router.post("/requests/{request_id:uuid}/erase", response_model=CertificateOut)
def erase_subject(request: Request, request_id: UUID, principal: PrivacyManage, session: DbSession) -> CertificateOut:
    """Fulfils an erasure request everywhere and returns the signed deletion certificate."""
    runtime = runtime_of(request)
    signer = load_or_create_signing_key(signing_key_path(runtime.settings))
    return CertificateOut.model_validate(fulfil_erasure(session, principal, request_id, signer, runtime.embedder))


@router.post("/requests/{request_id:uuid}/opt-out", response_model=RequestOut)
def opt_out_subject(request_id: UUID, principal: PrivacyManage, session: DbSession) -> RequestOut:
    """Fulfils an opt-out request: the contact is recorded as opted out of sale or sharing, so no
    integration marked as sharing receives anything about them, and the request completes."""
    consent.fulfil_opt_out(session, principal, request_id)
    return _out(requests.get_request(session, request_id))


@router.post("/requests/{request_id:uuid}/rectify", response_model=RequestOut)
def rectify_subject(request_id: UUID, body: Rectification, principal: PrivacyManage, session: DbSession) -> RequestOut:
    """Fulfils a rectification request: the corrected fields are applied to the contact (as a contact edit,
    with its validation) and the request completes, naming the fields corrected."""
    return _out(fulfil_rectification(session, principal, request_id, body))


@router.get("/requests/{request_id:uuid}/certificate", response_model=CertificateOut)
def get_certificate(request_id: UUID, principal: PrivacyRead, session: DbSession) -> CertificateOut:
    found = session.get(PrivacyCertificate, (principal.tenant_id, request_id))
    if found is None:
        raise NotFound("no certificate for this request")
    return CertificateOut.model_validate(certificate_document(found.statement, found.key_id, bytes(found.signature)))


@router.post("/contacts/{contact_id}/consents", response_model=ConsentOut, status_code=201)
def record_contact_consent(contact_id: UUID, body: ConsentIn, principal: PrivacyManage,
                           session: DbSession) -> ConsentOut:
    """Records a customer's decision for one purpose, with the wording version they were shown."""
    return ConsentOut.model_validate(consent.record_consent(
        session, principal, contact_id, body.purpose, granted=body.granted, channel=body.channel, source="staff",
        wording_version=body.wording_version))


@router.get("/contacts/{contact_id}/consents", response_model=ConsentHistory)
def contact_consents(contact_id: UUID, principal: PrivacyRead, session: DbSession) -> ConsentHistory:
    rows = consent.history_of_contact(session, contact_id)
    return ConsentHistory(in_force={c.purpose: c.granted for c in rows},
                          history=[ConsentOut.model_validate(c) for c in rows])
