"""HTTP for privacy: the record of processing, data-subject requests, retention and consent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request

from engium.access.authentication import Requires
from engium.access.permissions import Permission
from engium.access.principal import Principal
from engium.kit.app_state import runtime_of
from engium.kit.transaction import DbSession
from engium.privacy.policy import current_policy
from engium.privacy.processing_record import ModelProcessing, record_of_processing
from engium.privacy.schemas import RecordOfProcessing

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
