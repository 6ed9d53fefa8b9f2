"""Fixtures shared by the channel tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from engium.runtime import Runtime
from tests.channels.fake_provider import fake_provider
from tests.channels.inbound_helpers import ChannelTenant, configured_tenant

__all__ = ["ct", "fake_provider"]


@pytest.fixture
def ct(client: TestClient, runtime: Runtime) -> ChannelTenant:
    """A business with Twilio, WhatsApp, inbound-events and widget credentials configured through the API."""
    return configured_tenant(client, runtime)
