"""The SMS provider fails for a while (500s, then 429s) under a steady stream of customer texts: every
reply waits, backs off and is sent once the provider is back; none is lost and none is sent twice, and
the transcript shows each reply's delivery state as it goes."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from engium.config import Settings
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction
from tests.channels.inbound_helpers import configured_tenant, sms_params, twilio_request
from tests.conftest import scratch_dir
from tests.live_server import LiveServer, live_server
from tests.resilience.fake_twilio import FakeTwilio

TEXTS = 12


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    provider = FakeTwilio(failing=500)
    yield provider
    provider.close()


@pytest.fixture
def server(twilio: FakeTwilio) -> Iterator[LiveServer]:
    env = {"ENGIUM_TWILIO_API_BASE": twilio.url, "ENGIUM_CHANNELS_RETRY_DELAYS_SECONDS": "[1,1,2,2,2,2,2,2]",
           "ENGIUM_CHANNELS_RETRY_JITTER": "0"}
    with scratch_dir("engium-outage-") as scratch, live_server(scratch / "data", env) as started:
        yield started


def delivery_states(server: LiveServer, tenant_id: uuid.UUID) -> Counter[str]:
    with tenant_transaction(server.database, tenant_id) as session:
        rows = session.execute(text("select delivery_status from messages where author_kind = 'assistant'"))
        return Counter(str(status) for status in rows.scalars())


def test_replies_wait_out_a_provider_outage_and_are_sent_once(
    server: LiveServer, twilio: FakeTwilio, record_property: Callable[[str, object], None]
) -> None:
    runtime = Runtime(settings=Settings(data_dir=server.data_dir, secure_cookies=False), database=server.database)
    with server.client() as api:
        business = configured_tenant(api, runtime)
        hours = {day: "09:00-17:00" for day in ("mon", "tue", "wed", "thu", "fri")}
        assert api.patch("/api/v1/settings", headers=business.tenant.headers,
                         json={"opening_hours": hours}).status_code == 200
        for n in range(TEXTS):
            body, headers = twilio_request(business.twilio_path(),
                                           sms_params("SM" + uuid.uuid4().hex, "When are you open?",
                                                      sender=f"+1415555{n:04d}"))
            assert api.post(business.twilio_path(), content=body, headers=headers).status_code == 200
            time.sleep(0.2)
    tenant_id = business.tenant.id

    # Refusals count attempts, not replies (a retried reply is refused twice), so wait for every reply's row too.
    deadline = time.monotonic() + 30
    while (twilio.refused < TEXTS or sum(delivery_states(server, tenant_id).values()) < TEXTS) \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert twilio.refused >= TEXTS  # every reply tried and was refused
    assert delivery_states(server, tenant_id) == Counter({"queued": TEXTS})  # waiting, not shown as sent
    twilio.failing = 429  # still down, now saying "slow down"
    time.sleep(3)
    twilio.failing = None  # back
    back_at = time.monotonic()

    deadline = time.monotonic() + 60
    while sum(twilio.accepted.values()) < TEXTS and time.monotonic() < deadline:
        time.sleep(0.2)
    record_property("recovery_seconds", round(time.monotonic() - back_at, 2))  # all sent: the closing table
    time.sleep(3)  # a second copy of any reply would arrive now
    assert sum(twilio.accepted.values()) == TEXTS  # none lost
    assert set(twilio.accepted.values()) == {1}  # none sent twice: one reply per customer
    assert delivery_states(server, tenant_id) == Counter({"sent": TEXTS})
