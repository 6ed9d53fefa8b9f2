"""Incident response settings (``ENGIUM_INCIDENTS_*``), nested in :class:`engium.config.Settings`."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class IncidentSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGIUM_INCIDENTS_", extra="ignore")

    # GDPR Art. 33: the supervisory authority within 72 hours of becoming aware.
    regulator_hours: float = Field(default=72.0, gt=0, le=72.0)
    # Art. 33(2): a processor tells its controllers "without undue delay"; Engium's own bound.
    tenant_notice_hours: float = Field(default=24.0, gt=0, le=72.0)
    # A reminder this long before each deadline (and one when it passes).
    remind_before_hours: float = Field(default=12.0, gt=0)
    clock_check_seconds: float = Field(default=900.0, gt=0)
    # The audit log's periodic verification (chains, checkpoint signatures, anchors).
    verify_interval_seconds: float = Field(default=3600.0, gt=0)
    # Bursts: more than this many events in the window, for one tenant (platform chain included).
    burst_window_minutes: int = Field(default=15, ge=1, le=1440)
    auth_failure_threshold: int = Field(default=50, ge=1)
    guard_strike_threshold: int = Field(default=20, ge=1)
    # An automatic trigger tells the affected tenants at once (in-app and webhook): "without undue delay".
    auto_notify: bool = True
    # The operator API's credential: hex SHA-256 of a token the operator keeps (ADR 0026). Unset: refused.
    operator_token_sha256: SecretStr | None = Field(default=None, validation_alias="ENGIUM_OPERATOR_TOKEN_SHA256")
