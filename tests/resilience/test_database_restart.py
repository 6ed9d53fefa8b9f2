"""PostgreSQL stops and starts again under a steady mixed load (API writes and signed SMS webhooks):
during the outage requests fail fast with 503 and Retry-After, never 200 for something not stored;
the server and its worker reconnect by themselves; everything accepted is stored once and answered
once; and the audit chain still verifies."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from tests.conftest import scratch_dir
from tests.live_server import LiveServer, live_server
from tests.resilience.fake_twilio import FakeTwilio
from tests.resilience.mixed_load import EXPECTED_STATUSES, assert_nothing_lost_or_doubled, mixed_load, open_business
from tests.resilience.postgres_control import PostgresControl

OUTAGE_SECONDS = 4


@pytest.fixture
def server(twilio: FakeTwilio) -> Iterator[LiveServer]:
    env = {"ENGIUM_TWILIO_API_BASE": twilio.url, "ENGIUM_CHANNELS_RETRY_DELAYS_SECONDS": "[1,1,2,2]",
           "ENGIUM_JOBS_HEARTBEAT_SECONDS": "0.5", "ENGIUM_JOBS_STALLED_AFTER_SECONDS": "3",
           "ENGIUM_JOBS_STALLED_CHECK_SECONDS": "1"}
    with scratch_dir("engium-pg-restart-") as scratch, live_server(scratch / "data", env) as started:
        yield started


def test_a_postgres_restart_under_load_loses_and_duplicates_nothing(
    server: LiveServer, twilio: FakeTwilio, record_property: Callable[[str, object], None]
) -> None:
    business = open_business(server)
    postgres = PostgresControl(server.data_dir)
    with mixed_load(server, business, clients=3, pause=0.05) as sent:
        time.sleep(2)
        server.database.app_engine.dispose()  # the test's own connections die with the server too
        postgres.stop()
        down_at = time.perf_counter()
        time.sleep(OUTAGE_SECONDS)
        postgres.start()
        up_at = time.perf_counter()
        time.sleep(4)

    statuses = Counter((s.kind, s.status) for s in sent)
    assert set(statuses) <= EXPECTED_STATUSES, statuses
    during = [s for s in sent if down_at + 0.5 < s.at < up_at - 0.5]
    assert during, "no request was made during the outage"
    assert {s.status for s in during} == {503}
    assert max(s.seconds for s in during) < 2.0  # failing fast, not hanging for the client's 10 s
    recovered = min((s.at for s in sent if s.at > up_at and s.status in {200, 201}), default=up_at + 999)
    assert recovered - up_at < 10.0, "the server did not reconnect by itself"
    record_property("recovery_seconds", round(recovered - up_at, 2))  # for the closing table (--junitxml)
    assert_nothing_lost_or_doubled(server, business, sent, twilio)
