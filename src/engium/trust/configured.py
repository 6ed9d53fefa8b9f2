"""What the deployment contributes to the register and the DPA, read from the running process's settings."""

from __future__ import annotations

from starlette.requests import Request

from engium.ai.guard.detector import DEFAULT_THRESHOLD
from engium.audit.checkpoints import DirectoryAnchorStore, anchor_dir
from engium.audit.signing import load_or_create_signing_key, signing_key_path, verifier_keys
from engium.kit.app_state import runtime_of
from engium.trust.catalog import RemoteModels
from engium.trust.dpa import DpaSetup
from engium.trust.measures import AuditSetup, GuardSetup
from engium.trust.register import OperatorConfig


def operator_config(request: Request) -> OperatorConfig:
    settings = runtime_of(request).settings
    return OperatorConfig(settings.subprocessors, RemoteModels(
        provider=settings.ai.provider, base_url=settings.ai.resolved_base_url,
        redacts_personal_data=settings.ai.redact_personal_data, embeddings_provider=settings.embeddings.provider,
        embeddings_base_url=settings.embeddings.base_url,
    ))


def dpa_setup(request: Request) -> DpaSetup:
    runtime = runtime_of(request)
    settings = runtime.settings
    guard = runtime.guard
    detector = guard.detector
    layers = ("sanitiser", "rules", *(("similarity",) if detector.similarity_layer is not None else ()),
              *(("learned classifier",) if detector.learned_layer is not None else ()), "output guard",
              "action gating")
    return DpaSetup(
        processor_name=settings.operator_legal_name, processor_contact=settings.operator_contact,
        notice_days=settings.subprocessor_notice_days, operator=operator_config(request),
        audit=AuditSetup(settings.audit_seal_interval_seconds, verifier_keys(settings),
                         DirectoryAnchorStore(anchor_dir(settings))),
        guard=GuardSetup(guard.enabled, layers, DEFAULT_THRESHOLD),
        signer=load_or_create_signing_key(signing_key_path(settings)),
    )
