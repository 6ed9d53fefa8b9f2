"""A real ``engium serve`` shared by the security regression tests, and tenants made in its database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engium.config import Settings
from engium.runtime import Runtime
from tests.conftest import TenantHandle, make_tenant, scratch_dir
from tests.live_server import LiveServer, live_server


@pytest.fixture(scope="package")
def live() -> Iterator[LiveServer]:
    # Many sign-ins from one loopback address across these tests: the per-address limit is raised so that
    # the account lockout, not the address limiter, is what the tests observe.
    env = {"ENGIUM_LOGIN_ATTEMPTS_PER_MINUTE": "100000"}
    with scratch_dir("engium-live-") as scratch, live_server(scratch / "data", env) as server:
        yield server


@pytest.fixture(scope="package")
def live_runtime(live: LiveServer) -> Runtime:
    """Same database, root key and signing key as the server: what it stores, this reads."""
    return Runtime(settings=Settings(data_dir=live.data_dir, secure_cookies=False), database=live.database)


@pytest.fixture
def live_tenant(live_runtime: Runtime) -> TenantHandle:
    return make_tenant(live_runtime)
