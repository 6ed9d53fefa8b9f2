"""One seeded pair of tenants for the module (building it seals the audit log and runs retention)."""

from __future__ import annotations

import pytest

from engium.runtime import Runtime
from tests.evidence.scenario import Scenario, build


@pytest.fixture(scope="module")
def scenario(runtime: Runtime) -> Scenario:
    return build(runtime)
