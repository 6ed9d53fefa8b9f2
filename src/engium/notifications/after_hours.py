"""Whether the business is closed at a moment: a conversation that begins then is one staff should hear about.

The same hours the assistant states (bookings/hours_coverage.py): a closure or special hours for that date
first, then the business's declared weekly hours, or, when it declared none, its staff's working hours. A
business with no hours at all has no "after hours".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from engium.bookings import hours_coverage
from engium.kit.time_zones import zone_or_utc
from engium.tenancy import service as tenancy


def is_after_hours(session: Session, moment: datetime) -> bool:
    # The settings row once, for both its hours and its time zone: this runs on every new conversation.
    settings = tenancy.get_settings(session)
    week = hours_coverage.week_hours(session, settings.opening_hours)
    if not any(week.declared.values()):
        return False
    local = moment.astimezone(zone_or_utc(settings.timezone))
    day = hours_coverage.day_hours(session, local.date(), week)
    return not any(start <= local.time() < end for start, end in day.hours)
