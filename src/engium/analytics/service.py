"""The analytics report: checks the period, turns local days into instants, and shapes the query results."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from engium.analytics import repository
from engium.analytics.schemas import AnalyticsOut, Bucket, BucketMetrics, Metrics, ResponseTimes
from engium.bookings.service import tenant_zone
from engium.errors import Unprocessable

# A year, leap day included: long enough for a yearly review, short enough to stay one quick query.
MAX_DAYS = 366


def check_period(from_date: date, to_date: date) -> None:
    if from_date > to_date:
        raise Unprocessable("`from` must be on or before `to`", details={"field": "from"})
    if (to_date - from_date).days + 1 > MAX_DAYS:
        raise Unprocessable(f"The period may cover at most {MAX_DAYS} days", details={"field": "to"})


def bucket_starts(from_date: date, to_date: date, bucket: Bucket) -> list[date]:
    """Every bucket of the period, empty ones included: each day, or each ISO week (from its Monday)."""
    first = from_date if bucket == "day" else from_date - timedelta(days=from_date.weekday())
    step = timedelta(days=1 if bucket == "day" else 7)
    starts: list[date] = []
    current = first
    while current <= to_date:
        starts.append(current)
        current += step
    return starts


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _seconds(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def _metrics(values: dict[str, Any]) -> dict[str, Any]:
    conversations = int(values.get("conversations") or 0)
    alone = int(values.get("resolved_without_person") or 0)
    escalated = int(values.get("escalated") or 0)
    average = values.get("csat_average")
    return {
        "conversations": conversations,
        "resolved_without_person": alone,
        "resolved_without_person_share": _share(alone, conversations),
        "escalated": escalated,
        "escalation_rate": _share(escalated, conversations),
        "assistant_first_response": ResponseTimes(
            median_seconds=_seconds(values.get("assistant_median")), p90_seconds=_seconds(values.get("assistant_p90")),
            count=int(values.get("assistant_count") or 0)),
        "staff_first_response": ResponseTimes(
            median_seconds=_seconds(values.get("staff_median")), p90_seconds=_seconds(values.get("staff_p90")),
            count=int(values.get("staff_count") or 0)),
        "bookings_by_assistant": int(values.get("bookings_by_assistant") or 0),
        "no_shows": int(values.get("no_shows") or 0),
        "csat_average": None if average is None else round(float(average), 2),
        "csat_count": int(values.get("csat_count") or 0),
    }


def report(session: Session, from_date: date, to_date: date, channel: str | None, bucket: Bucket) -> AnalyticsOut:
    check_period(from_date, to_date)
    zone = tenant_zone(session)
    window = repository.Window(
        start=_local_midnight(from_date, zone), end=_local_midnight(to_date + timedelta(days=1), zone),
        zone=zone.key, unit=bucket, channel=channel,
    )
    found = repository.aggregate(session, window)
    series = [BucketMetrics(start=start, **_metrics(found.get(start, {})))
              for start in bucket_starts(from_date, to_date, bucket)]
    return AnalyticsOut(from_date=from_date, to_date=to_date, channel=channel, bucket=bucket, timezone=zone.key,
                        totals=Metrics(**_metrics(found.get(None, {}))), series=series)
