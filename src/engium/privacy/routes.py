"""HTTP for privacy: the record of processing, data-subject requests, retention and consent."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Request

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.privacy.policy import LIMITS, PrivacyPolicy, current_policy, update_policy
from engium.privacy.processing_record import ModelProcessing, record_of_processing
from engium.privacy.retention import dry_run
from engium.privacy.schemas import (
    LimitOut,
    PrivacySettingsOut,
    PrivacySettingsUpdate,
    RecordOfProcessing,
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
    return RetentionPreviewOut(cutoffs=report.cutoffs, counts=report.counts, total=report.total)
