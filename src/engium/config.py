"""Runtime configuration, read from ``ENGIUM_*`` environment variables."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engium.ai.embedding_settings import EmbeddingSettings
from engium.ai.gateway.settings import ModelSettings
from engium.assistant.settings import AssistantSettings
from engium.channels.settings import ChannelSettings
from engium.incidents.settings import IncidentSettings
from engium.kit.jobs import JobSettings
from engium.mail.settings import MailSettings
from engium.trust.settings import DEFAULT_NOTICE_DAYS, DEFAULT_SUBPROCESSORS, OperatorSubprocessor
from engium.webhooks.settings import WebhookSettings

# Settings of the hand-written job loops that the job runtime replaced (ADR 0018): set, they would
# silently do nothing, so they are refused with what to use instead.
REMOVED_SETTINGS = {
    f"ENGIUM_{domain}_{name}": replacement
    for domain in ("ASSISTANT", "CHANNELS", "WEBHOOKS")
    for name, replacement in (
        ("POLL_INTERVAL_SECONDS", "new jobs are announced at once; ENGIUM_JOBS_POLL_INTERVAL_SECONDS sets the "
                                  "fallback polling of the job runtime"),
        ("BATCH_SIZE", "the job runtime claims one job at a time; ENGIUM_JOBS_CONCURRENCY sets how many run at once"),
        ("LEASE_SECONDS", "a job whose worker dies is retried once the worker misses its heartbeats"),
    )
}


def refuse_removed_settings(environ: Mapping[str, str]) -> None:
    found = sorted(name for name in REMOVED_SETTINGS if name in environ)
    if found:
        raise ValueError("; ".join(f"{name} is no longer used: {REMOVED_SETTINGS[name]}" for name in found))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGIUM_", extra="ignore")

    data_dir: Path = Field(default=Path(".engium"))
    # App-role connection (engium_app). Unset: the embedded PostgreSQL in data_dir is used.
    database_url: SecretStr | None = None
    # Owner-role connection used for migrations; required alongside database_url.
    owner_database_url: SecretStr | None = None
    # "transaction": database_url goes through a transaction-pooling PgBouncer (no server-side prepared
    # statements); database_listen_url is then required, a direct app-role connection for LISTEN and jobs.
    database_pooler: Literal["none", "transaction"] = "none"
    database_listen_url: SecretStr | None = None

    # Root key for the credentials vault (base64 of 32 bytes). Unset: the keyring file
    # <data_dir>/root-keys.json, created on first use with mode 0600 (docs/crypto.md).
    root_key: SecretStr | None = None
    # Comma-separated older root keys that stay readable until `engium keys rotate-root` re-wraps.
    root_keys_previous: SecretStr | None = None

    host: str = "127.0.0.1"
    port: int = 8000
    # Where people reach this server (links in invitations). Unset: http://<host>:<port>.
    public_url: str | None = Field(default=None, pattern=r"^https?://[^\s?#]+$", max_length=300)
    # Cookies get the Secure flag unless explicitly serving plain HTTP on loopback for development.
    secure_cookies: bool = True
    # Comma-separated CIDRs whose X-Forwarded-For header is believed. Empty: only the socket address.
    trusted_proxies: str = ""
    # Slow clients (kit/http_protocol.py): a request's headers must arrive within the first; a connection
    # with no request under way is closed after the second.
    http_header_timeout_seconds: float = Field(default=10.0, gt=0)
    http_keep_alive_seconds: int = Field(default=5, ge=1)

    session_ttl_minutes: int = 12 * 60
    # Sign-in (and invitation) requests one client address may make per minute, before any password work.
    login_attempts_per_minute: int = Field(default=30, ge=1)
    login_max_failures: int = 5
    # Self-service sign-up of new businesses at /sign-up (ADR 0040): off unless the operator opts in
    # (ENGIUM_SIGNUP_ENABLED=true); a business exists only once its owner's e-mail address is verified.
    signup_enabled: bool = False
    login_lockout_minutes: int = 15
    db_pool_size: int = 20

    # The Ed25519 key that signs audit checkpoints; kept outside the database so that whoever controls
    # the database cannot forge a checkpoint. Default: <data_dir>/audit-signing-key.pem.
    audit_signing_key_file: Path | None = None
    # Where signed checkpoints are appended (one JSON Lines file per tenant); put it on storage the
    # database administrator cannot rewrite. Default: <data_dir>/audit-anchors.
    audit_anchor_dir: Path | None = None
    # Where the retention run writes the export of the audit months it removes (ADR 0030), one JSON Lines
    # file per removed range and tenant; keep it with the evidence. Default: <data_dir>/audit-archives.
    audit_archive_dir: Path | None = None
    # The longest a new audit event stays unsealed (not covered by a signed, anchored checkpoint).
    audit_seal_interval_seconds: float = Field(default=60.0, gt=0)
    # How often the booking reminder run looks for reminders that are due (ADR 0042): a reminder goes out
    # at most this long after its time.
    reminder_interval_seconds: float = Field(default=300.0, ge=1)

    # The processor named in each business's DPA (Annex I): who runs this deployment, and how to reach them.
    operator_legal_name: str = Field(default="The operator of this Engium deployment", min_length=1, max_length=200)
    operator_contact: str = Field(default="", max_length=300)
    # The operator's own subprocessors, shown on every tenant's register and in its DPA's Annex III
    # (ENGIUM_SUBPROCESSORS: a JSON list of {name, purpose, location, data_categories, since?}).
    subprocessors: tuple[OperatorSubprocessor, ...] = DEFAULT_SUBPROCESSORS
    # How many days ahead a new operator subprocessor must be announced, so that tenants can object.
    subprocessor_notice_days: int = Field(default=DEFAULT_NOTICE_DAYS, ge=1, le=365)

    # Outbound webhooks: retries, timeouts and the SSRF guard's allow settings (ENGIUM_WEBHOOKS_*).
    webhooks: WebhookSettings = Field(default_factory=WebhookSettings)
    # Outbound SMS/WhatsApp sends and the replay-table purge (ENGIUM_CHANNELS_*, ENGIUM_TWILIO_API_BASE,
    # ENGIUM_WHATSAPP_API_BASE).
    channels: ChannelSettings = Field(default_factory=ChannelSettings)
    # The model gateway: provider, endpoint, retention terms, redaction (ENGIUM_AI_*).
    ai: ModelSettings = Field(default_factory=ModelSettings)
    # The knowledge base's embedding model (ENGIUM_EMBEDDINGS_*): the bundled MiniLM unless told otherwise.
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    # The conversation engine: retries, when it hands over (ENGIUM_ASSISTANT_*).
    assistant: AssistantSettings = Field(default_factory=AssistantSettings)
    # The job runtime: concurrency, fallback polling, shutdown grace (ENGIUM_JOBS_*).
    jobs: JobSettings = Field(default_factory=JobSettings)
    # Outbound e-mail through the operator's SMTP server (ENGIUM_SMTP_*, ENGIUM_MAIL_FROM); unset host: none.
    mail: MailSettings = Field(default_factory=MailSettings)
    # Incident response: the GDPR clocks, automatic triggers, the operator API's token (ENGIUM_INCIDENTS_*).
    incidents: IncidentSettings = Field(default_factory=IncidentSettings)

    @model_validator(mode="after")
    def _no_removed_settings(self) -> Settings:
        refuse_removed_settings(os.environ)
        return self

    @cached_property
    def trusted_proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        parts = [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]
        return tuple(ipaddress.ip_network(p, strict=False) for p in parts)

    @property
    def resolved_public_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    @property
    def resolved_data_dir(self) -> Path:
        return self.data_dir.expanduser().resolve()
