"""Whether the business is closed at a moment: a conversation that begins then is one staff should hear about.

The same hours the assistant states (assistant/facts.py): the business's declared opening hours, or, when
it declared none, its staff's weekly working hours. A business with neither has no "after hours".
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from engium.assistant.facts import settings_hours, staff_hours
from engium.tenancy import service as tenancy


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_after_hours(session: Session, moment: datetime) -> bool:
    settings = tenancy.get_settings(session)
    hours = settings_hours(dict(settings.opening_hours or {})) or staff_hours(session)
    if not any(hours.values()):
        return False
    local = moment.astimezone(_zone(settings.timezone))
    spans = hours.get(local.weekday(), [])
    return not any(start <= local.time() < end for start, end in spans)
