"""Fixtures shared by the channel tests."""

from __future__ import annotations

from tests.channels.fake_provider import fake_provider

__all__ = ["fake_provider"]
