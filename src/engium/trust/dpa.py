"""Generating a tenant's DPA: live facts in, a signed stored version out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engium.access.principal import Principal
from engium.audit.signing import SigningKey
from engium.privacy.policy import current_policy
from engium.tenancy import service as tenancy
from engium.trust.dpa_document import build_document
from engium.trust.dpa_versions import store_version
from engium.trust.measures import AuditSetup, GuardSetup, measures
from engium.trust.models import DpaVersion
from engium.trust.register import OperatorConfig, effective_register


@dataclass(frozen=True)
class DpaSetup:
    """What the deployment contributes (from Settings and the runtime)."""

    processor_name: str
    processor_contact: str
    notice_days: int
    operator: OperatorConfig
    audit: AuditSetup
    guard: GuardSetup
    signer: SigningKey


def generate(session: Session, principal: Principal, setup: DpaSetup) -> DpaVersion:
    """A new version from the state of the system now, stored with its hash and signature, audited."""
    profile = tenancy.get_settings(session)
    controller = {"name": profile.business_name, "address": profile.address, "e-mail": profile.email,
                  "website": profile.website}
    document = build_document(
        controller=controller, processor={"name": setup.processor_name, "contact": setup.processor_contact},
        notice_days=setup.notice_days, retention=current_policy(session).as_dict(),
        measures=measures(session, principal.tenant_id, setup.audit, setup.guard),
        register=effective_register(session, setup.operator),
    )
    return store_version(session, principal, document, setup.signer)
