"""The process-wide objects a request needs, hung on ``app.state.runtime``."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request

from engium.config import Settings
from engium.identity.credentials import PasswordHashing
from engium.identity.throttle import SlidingWindowLimiter
from engium.kit.database import Database


@dataclass
class Runtime:
    settings: Settings
    database: Database
    passwords: PasswordHashing = field(default_factory=PasswordHashing)
    login_limiter: SlidingWindowLimiter = field(default_factory=lambda: SlidingWindowLimiter(30, 60.0))

    @staticmethod
    def of(request: Request) -> Runtime:
        runtime: Runtime = request.app.state.runtime
        return runtime
