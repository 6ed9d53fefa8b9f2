"""The process-wide objects a request needs, hung on ``app.state.runtime``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from sqlalchemy.orm import Session
from starlette.requests import Request

from engium.ai.embeddings import EmbeddingProvider
from engium.ai.gateway import ModelGateway, build_gateway
from engium.assistant.guarding import ConversationGuard
from engium.audit.personal import install_sealer
from engium.channels.email_replies import record_settled_mail
from engium.config import Settings
from engium.crypto.keyring import DataKeyRing, root_key_provider
from engium.crypto.subject_keys import SubjectKeyVault
from engium.identity.credentials import PasswordHashing
from engium.identity.sign_in import SignInChecks
from engium.incidents.decryption import install_decryption_listener
from engium.integrations.register_hook import install_register_hook
from engium.kit.database import Database
from engium.kit.database_clock import DATABASE_CLOCK
from engium.kit.throttle import SlidingWindowLimiter
from engium.mail.models import OutboundMail
from engium.notifications.service import notify_staff
from engium.privacy.consent import opted_out_of_sharing
from engium.trust.register import on_integration_change
from engium.webhooks.event_hook import install_event_hook
from engium.webhooks.sharing import install_sharing_check
from engium.webhooks.ssrf import IPAddress, refusal_reason

ONBOARDING_PER_ADDRESS, ONBOARDING_PER_CLIENT, ONBOARDING_WINDOW_SECONDS = 3, 10, 900.0


@dataclass
class Runtime:
    settings: Settings
    database: Database
    passwords: PasswordHashing = field(default_factory=PasswordHashing)
    # The clock background jobs read: the database's, as measured from this host (kit/database_clock.py;
    # tests fix it). Requests read the database's directly.
    clock: Callable[[], datetime] = field(default=DATABASE_CLOCK)
    # The prompt-injection guard the assistant's turns go through (the red-team run compares it off).
    guard: ConversationGuard = field(default_factory=ConversationGuard)
    login_limiter: SlidingWindowLimiter = field(init=False)
    # Password-reset and sign-up requests (ADR 0040): per address, and per client address, per 15 minutes.
    onboarding_by_address: SlidingWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(ONBOARDING_PER_ADDRESS, ONBOARDING_WINDOW_SECONDS))
    onboarding_by_client: SlidingWindowLimiter = field(
        default_factory=lambda: SlidingWindowLimiter(ONBOARDING_PER_CLIENT, ONBOARDING_WINDOW_SECONDS))

    def __post_init__(self) -> None:
        self.login_limiter = SlidingWindowLimiter(self.settings.login_attempts_per_minute, 60.0)
        # Every session of this database seals customers' personal values in audit events under their
        # own keys (ADR 0021); the vault is reached only when there is something to seal.
        install_sealer(self.database.sessions, self.subject_keys)
        # Endpoints marked as sharing personal data get nothing about customers who opted out of sale or
        # sharing (webhooks/sharing.py); the answer comes from their consent history.
        install_sharing_check(self.database.sessions, opted_out_of_sharing)
        # Enabling or disabling an integration changes the tenant's public subprocessor register in the same
        # transaction (integrations/register_hook.py); without the hook such changes are refused.
        install_register_hook(self.database.sessions, on_integration_change)
        # Events staff must act on (an escalation, a booking change, a failed send) notify them in the app
        # and by e-mail, in the emitting transaction (notifications/, ADR 0041).
        install_event_hook(self.database.sessions, notify_staff)

    @cached_property
    def subject_keys(self) -> SubjectKeyVault:
        return SubjectKeyVault(lambda: self.vault)

    @cached_property
    def vault(self) -> DataKeyRing:
        """Built on first use, so commands that never touch secrets never create a root key."""
        vault = DataKeyRing(root_key_provider(self.settings))
        # A stored credential that fails to decrypt opens (or appends to) an incident (ADR 0026).
        install_decryption_listener(vault, self.database)
        return vault

    @cached_property
    def sign_in_checks(self) -> SignInChecks:
        return SignInChecks(
            self.passwords,
            self.vault,
            self.settings.login_max_failures,
            timedelta(minutes=self.settings.login_lockout_minutes),
        )

    @cached_property
    def embedder(self) -> EmbeddingProvider:
        """The configured embedding model; by default the bundled all-MiniLM-L6-v2 (loaded on first use)."""
        from engium.ai.embeddings import OpenAICompatibleEmbedder, local_embedder

        chosen = self.settings.embeddings
        if chosen.provider == "openai":
            key = chosen.api_key.get_secret_value() if chosen.api_key else None
            return OpenAICompatibleEmbedder(chosen.base_url, chosen.model, key, timeout=chosen.timeout_seconds)
        return local_embedder()

    @cached_property
    def gateway(self) -> ModelGateway | None:
        """The generative model behind the assistant; None for "grounded" (no generative model). Built on
        first use: the in-process llama-cpp provider hashes and loads its model file then."""
        return build_gateway(self.settings.ai)

    def smtp_address_refusal(self, address: IPAddress) -> str | None:
        """Why a business's own SMTP server may not be reached at ``address`` (mail/tenant_sender.py): the
        outbound webhooks' SSRF rules and their allow settings, which mail/ cannot import (it sits below)."""
        return refusal_reason(address, self.settings.webhooks)

    @staticmethod
    def mail_settled(session: Session, mail: OutboundMail) -> None:
        """An e-mail was sent or failed: an e-mail conversation's reply follows it (channels/ sits above mail/)."""
        record_settled_mail(session, mail)

    @staticmethod
    def of(request: Request) -> Runtime:
        runtime: Runtime = request.app.state.runtime
        return runtime
