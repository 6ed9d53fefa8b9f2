"""A business's time zone for code that must go on when the setting is broken (a job, the assistant)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_or_utc(name: str) -> ZoneInfo:
    """``name`` as a zone; UTC when it is not one (settings validate it, but a broken row must not stop
    the assistant or a notification: staff see the setting's error in settings)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
