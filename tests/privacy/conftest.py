"""Privacy tests drive the channel sender against the same fake provider as tests/channels."""

from __future__ import annotations

from tests.channels.fake_provider import fake_provider

__all__ = ["fake_provider"]
