"""Outbound webhook settings (``ENGIUM_WEBHOOKS_*``), nested in :class:`engium.config.Settings`."""

from __future__ import annotations

import ipaddress
from functools import cached_property

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class WebhookSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ENGIUM_WEBHOOKS_", extra="ignore")

    # Delays before each retry; the first attempt is immediate, so attempts = 1 + len(delays).
    retry_delays_seconds: list[float] = Field(default=[10.0, 60.0, 300.0, 1800.0, 7200.0], min_length=0)
    # Each delay is multiplied by a random factor in [1 - jitter, 1 + jitter], so endpoints that failed
    # together (an outage) are not retried in lockstep.
    retry_jitter: float = Field(default=0.2, ge=0, lt=1)
    connect_timeout_seconds: float = Field(default=5.0, gt=0)
    timeout_seconds: float = Field(default=10.0, gt=0)

    # The SSRF guard's escape hatches, for tests and closed networks. Off by default: with them off,
    # only public unicast addresses over HTTPS are ever called.
    allow_private_networks: bool = False
    # Comma-separated CIDRs that are reachable even though they are not public (e.g. "10.20.0.0/16").
    allowed_cidrs: str = ""
    allow_http: bool = False

    @cached_property
    def allowed_networks(self) -> tuple[Network, ...]:
        parts = [p.strip() for p in self.allowed_cidrs.split(",") if p.strip()]
        return tuple(ipaddress.ip_network(p, strict=False) for p in parts)

    @property
    def max_attempts(self) -> int:
        return 1 + len(self.retry_delays_seconds)
