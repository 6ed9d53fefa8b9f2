"""The process-wide objects a request needs, hung on ``app.state.runtime``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from starlette.requests import Request

from engium.config import Settings
from engium.crypto.keyring import DataKeyRing, root_key_provider
from engium.identity.credentials import PasswordHashing
from engium.identity.throttle import SlidingWindowLimiter
from engium.kit.database import Database


@dataclass
class Runtime:
    settings: Settings
    database: Database
    passwords: PasswordHashing = field(default_factory=PasswordHashing)
    login_limiter: SlidingWindowLimiter = field(default_factory=lambda: SlidingWindowLimiter(30, 60.0))

    @cached_property
    def vault(self) -> DataKeyRing:
        """Built on first use, so commands that never touch secrets never create a root key."""
        return DataKeyRing(root_key_provider(self.settings))

    @staticmethod
    def of(request: Request) -> Runtime:
        runtime: Runtime = request.app.state.runtime
        return runtime
