"""What the analytics API answers: totals and a per-bucket series of the same metrics."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Bucket = Literal["day", "week"]


class ResponseTimes(BaseModel):
    """Seconds from the customer's message to the first answer, over the conversations that got one."""

    median_seconds: float | None = Field(description="null when no conversation got an answer")
    p90_seconds: float | None
    count: int = Field(description="Conversations measured")


class Metrics(BaseModel):
    conversations: int = Field(description="Conversations started")
    resolved_without_person: int = Field(
        description="Of those, resolved now, never escalated, and without any staff message")
    resolved_without_person_share: float | None = Field(description="resolved_without_person / conversations")
    escalated: int = Field(description="Of those, escalated at least once")
    escalation_rate: float | None = Field(description="escalated / conversations")
    assistant_first_response: ResponseTimes
    staff_first_response: ResponseTimes
    bookings_by_assistant: int = Field(description="Bookings the assistant made, by when they were made")
    no_shows: int = Field(description="Bookings marked no-show, by their appointment time")
    csat_average: float | None = Field(description="Mean of the 1-5 ratings given; null without any")
    csat_count: int = Field(description="Ratings given, by when they were given")


class BucketMetrics(Metrics):
    start: date = Field(description="The bucket's first day (a Monday for weeks), in the business's time zone")


class AnalyticsOut(BaseModel):
    from_date: date = Field(serialization_alias="from")
    to_date: date = Field(serialization_alias="to")
    channel: str | None
    bucket: Bucket
    timezone: str
    totals: Metrics
    series: list[BucketMetrics]
