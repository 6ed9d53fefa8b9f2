"""Channel settings (``ENGIUM_CHANNELS_*``), nested in :class:`engium.config.Settings`: outbound sends,
the replay table, and the public endpoints' throttles.

The providers' API base URLs are read from ``ENGIUM_TWILIO_API_BASE`` and ``ENGIUM_WHATSAPP_API_BASE``
(the names operators expect; ``ENGIUM_CHANNELS_*`` spellings work too). They are operator settings,
never tenant input, so the webhook SSRF guard does not apply: pointing them at a local stand-in (tests,
benchmarks) or an egress relay is their purpose.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Replay rows must outlive every provider's retry window (Meta retries for days): see store.py.
MIN_RETENTION_DAYS = 7
# Failed verifications (signature, widget key or token) one source address may make per minute before it
# is answered 429 (rate_limits.py).
FAILURES_PER_MINUTE = 30
# Widget requests one (widget key, source address) pair may make per minute.
WIDGET_REQUESTS_PER_MINUTE = 60
# One-time codes for the widget's data-subject requests, per phone number and per (widget key, source
# address), per hour (widget_privacy_routes.py): a flood of codes to one number is refused with 429.
PRIVACY_CODES_PER_HOUR = 5


def _base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("https://", "http://")) or any(c in value for c in "?#@ "):
        raise ValueError("must be an http(s) URL without credentials, query or fragment")
    return value


class ChannelSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGIUM_CHANNELS_", extra="ignore", populate_by_name=True)

    twilio_api_base: str = Field(
        default="https://api.twilio.com",
        validation_alias=AliasChoices("twilio_api_base", "ENGIUM_TWILIO_API_BASE", "ENGIUM_CHANNELS_TWILIO_API_BASE"),
    )
    whatsapp_api_base: str = Field(
        default="https://graph.facebook.com",
        validation_alias=AliasChoices(
            "whatsapp_api_base", "ENGIUM_WHATSAPP_API_BASE", "ENGIUM_CHANNELS_WHATSAPP_API_BASE"
        ),
    )
    whatsapp_api_version: str = Field(default="v20.0", pattern=r"^v[0-9]{1,3}\.[0-9]{1,3}$")

    # Delays before each retry of a send that failed transiently (5xx, 429, network); the first attempt is
    # immediate, so attempts = 1 + len(delays). Short at first: a reply is a conversation, not a batch.
    retry_delays_seconds: list[float] = Field(default=[5.0, 30.0, 120.0, 600.0, 1800.0])
    retry_jitter: float = Field(default=0.2, ge=0, lt=1)
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    timeout_seconds: float = Field(default=15.0, gt=0)

    # How long verified provider event ids are kept for replay protection. Lower values are rejected
    # rather than clamped: an operator asking for 1 day should learn it is not honoured.
    delivery_retention_days: float = Field(default=float(MIN_RETENTION_DAYS), ge=MIN_RETENTION_DAYS)
    purge_interval_seconds: float = Field(default=3600.0, gt=0)

    # The public endpoints' throttles (per process). Raised for a fuzzing run (tools/api_contract), so that
    # the fuzzer reaches the routes' logic; a raised limit never lets an unsigned request through.
    failures_per_minute: int = Field(default=FAILURES_PER_MINUTE, ge=1)
    widget_requests_per_minute: int = Field(default=WIDGET_REQUESTS_PER_MINUTE, ge=1)
    privacy_codes_per_hour: int = Field(default=PRIVACY_CODES_PER_HOUR, ge=1)

    _check_twilio = field_validator("twilio_api_base")(_base_url)
    _check_whatsapp = field_validator("whatsapp_api_base")(_base_url)

    @property
    def retention(self) -> timedelta:
        return timedelta(days=self.delivery_retention_days)
