"""Inbound customer message to stored assistant reply, with the default grounded responder.

One embedded PostgreSQL, one tenant configured through the API like a real salon (services, a stylist's
weekly hours, opening hours, FAQs, one knowledge document, a widget credential). Each sample is one
customer message: ``POST /widget/v1/messages`` (in-process TestClient: authentication, rate limiting,
storage, the job enqueued, the audit appends) followed by the assistant worker answering it
synchronously (``AssistantWorker.run_once`` for the tenant: due scan, claim, plan, write, settle). The
time is from the start of the send to the reply committed. The worker's polling interval
(``ENGIUM_ASSISTANT_POLL_INTERVAL_SECONDS``, 0.25 s by default) is not included: a real deployment adds
up to one interval of waiting on top.

Message kinds, in rotation, each in its own widget conversation: opening hours, prices, availability on
a day, a booking proposal, a booking proposal plus "yes" (the booking is made; the "yes" turn is timed),
an FAQ, and a knowledge question answered from the document (query embedding with the bundled MiniLM,
hybrid retrieval, extractive quote).

    .venv/bin/python bench/pipeline.py [--quick] [--iterations N]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fastapi.testclient import TestClient

from benchlib import emit, log, machine_info, setup_logging, summarize_ms
from engium.app import create_app
from engium.assistant.worker import AssistantWorker
from engium.channels.guard import ChannelLimits
from engium.config import Settings
from engium.identity import service as identity
from engium.identity.permissions import Role
from engium.kit.database import Database
from engium.runtime import Runtime
from engium.tenancy import service as tenancy

TARGET_P99_MS = 100.0
WIDGET_KEY = "wk_bench_pipeline_0123456789"
DOCUMENT = (
    "Looking after coloured hair. Wait at least 48 hours before washing freshly coloured hair, so the colour "
    "can settle. Use a sulphate-free shampoo and rinse with cool water. Book a gloss every six weeks."
)


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    if response.status_code != status:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.status_code} {response.text}")
    body: dict[str, Any] = response.json()
    return body


def configure(client: TestClient, headers: dict[str, str]) -> None:
    _ok(client.patch("/api/v1/settings", headers=headers, json={
        "timezone": "Europe/London", "address": "12 Market Street, London",
        "opening_hours": {"mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00", "thu": "09:00-20:00",
                          "fri": "09:00-18:00", "sat": "09:00-17:00", "sun": "closed"},
        "faqs": [{"question": "Is there parking?", "answer": "Yes, free parking behind the salon."}],
    }))
    _ok(client.post("/api/v1/integrations", headers=headers, json={
        "kind": "widget", "name": "default", "secret": "bench-widget-secret-0123456789",
        "metadata": {"public_widget_key": WIDGET_KEY}}), 201)
    service_ids = [
        _ok(client.post("/api/v1/services", headers=headers, json={
            "name": name, "duration_minutes": minutes, "price_cents": price, "currency": "GBP"}), 201)["id"]
        for name, minutes, price in (("Women's haircut", 60, 5500), ("Men's haircut", 30, 3000), ("Colour", 120, 9500))
    ]
    for name in ("Alex Morgan", "Sam Patel"):
        staff = _ok(client.post("/api/v1/staff", headers=headers, json={"name": name, "service_ids": service_ids}), 201)
        rules = [{"weekday": day, "start_time": "09:00", "end_time": "17:00"} for day in range(7)]
        _ok(client.put(f"/api/v1/staff/{staff['id']}/availability", headers=headers, json={"rules": rules}))
    _ok(client.post("/api/v1/knowledge/documents", headers=headers, json={
        "title": "Aftercare guide", "source_kind": "text", "content": DOCUMENT}), 201)


class Visitors:
    """Widget conversations: each sample starts its own, so no turn depends on another's state."""

    def __init__(self, client: TestClient, worker: AssistantWorker, tenant_id: Any) -> None:
        self.client, self.worker, self.tenant_id = client, worker, tenant_id
        self.last_turn_ns = 0

    def start(self) -> dict[str, str]:
        grant = _ok(self.client.post("/widget/v1/conversations", json={}, headers={"X-Widget-Key": WIDGET_KEY}), 201)
        return {"X-Widget-Key": WIDGET_KEY, "X-Widget-Token": grant["token"]}

    def turn(self, headers: dict[str, str], body: str) -> int:
        """One message and its answer; returns nanoseconds from send to reply committed (and keeps the
        assistant's own share, from the end of the send, in ``last_turn_ns``)."""
        started = time.perf_counter_ns()
        _ok(self.client.post("/widget/v1/messages", json={"body": body}, headers=headers), 201)
        sent = time.perf_counter_ns()
        if self.worker.run_once([self.tenant_id]) != 1:
            raise RuntimeError("the assistant did not take exactly one turn")
        finished = time.perf_counter_ns()
        elapsed, self.last_turn_ns = finished - started, finished - sent
        last = _ok(self.client.get("/widget/v1/messages", headers=headers))
        if not isinstance(last, list) or last[-1]["author_kind"] != "assistant":
            raise RuntimeError(f"no reply to {body!r}")
        return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=300, help="samples per message kind")
    parser.add_argument("--quick", action="store_true", help="40 samples per kind")
    args = parser.parse_args()
    setup_logging()
    iterations = 40 if args.quick else args.iterations

    data_dir = Path(tempfile.mkdtemp(prefix="engium-bench-pipeline-"))
    database = Database.open(app_url=None, owner_url=None, data_dir=data_dir)
    try:
        database.migrate()
        runtime = Runtime(settings=Settings(data_dir=data_dir, secure_cookies=False), database=database)
        with database.transaction() as session:
            tenant = tenancy.provision_tenant(session, runtime.passwords, name="Bench Salon",
                                              owner_email="bench@example.com", owner_password=None)
            _, key = identity.create_api_key(session, None, tenant_id=tenant.tenant_id, name="bench", role=Role.OWNER)
        worker = AssistantWorker(database, runtime.settings.assistant, lambda: runtime.embedder)
        app = create_app(runtime)
        app.state.channel_limits = ChannelLimits(widget_per_minute=10**9)  # one client sends every sample
        with TestClient(app) as client:
            configure(client, {"Authorization": f"Bearer {key}"})
            samples, turns = run(Visitors(client, worker, tenant.tenant_id), iterations)
    finally:
        database.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    report(samples, turns, iterations)


def run(visitors: Visitors, iterations: int) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    today = datetime.now(UTC).date()
    # A distinct (day, time) for every booking made, so no sample meets a slot another one took.
    slots = ((today + timedelta(days=7 + n // 14), f"{9 + (n % 14) // 2}:{'30' if n % 2 else '00'}")
             for n in itertools.count())

    def on(day: date) -> str:
        return day.strftime("%d %B %Y").lstrip("0")

    def book_and_confirm(headers: dict[str, str]) -> int:
        day, at = next(slots)
        visitors.turn(headers, f"Can I get a men's haircut on {on(day)} at {at}?")
        return visitors.turn(headers, "yes")

    kinds: dict[str, Callable[[dict[str, str]], int]] = {
        "hours": lambda h: visitors.turn(h, "When are you open?"),
        "prices": lambda h: visitors.turn(h, "How much is a men's haircut?"),
        "availability": lambda h: visitors.turn(h, f"Any slots for a colour on {on(today + timedelta(days=3))}?"),
        "booking_proposal": lambda h: visitors.turn(h, f"Can I get a women's haircut on "
                                                        f"{on(today + timedelta(days=5))} at 11:00?"),
        "booking_confirmed": book_and_confirm,
        "faq": lambda h: visitors.turn(h, "Is there parking?"),
        "knowledge": lambda h: visitors.turn(h, "How long should I wait before washing coloured hair?"),
    }
    for kind, sample in kinds.items():  # warm-up: connections, the embedding model, plan caches
        for _ in range(5):
            sample(visitors.start())
        log.info("warmed up %s", kind)
    samples: dict[str, list[int]] = {kind: [] for kind in kinds}
    turns: dict[str, list[int]] = {kind: [] for kind in kinds}
    for _ in range(iterations):
        for kind, sample in kinds.items():  # interleaved, so drift hits every kind alike
            samples[kind].append(sample(visitors.start()))
            turns[kind].append(visitors.last_turn_ns)
    return samples, turns


def report(samples: dict[str, list[int]], turns: dict[str, list[int]], iterations: int) -> None:
    every = [value for values in samples.values() for value in values]
    overall = summarize_ms(every)
    emit({
        "benchmark": "pipeline",
        "what": "POST /widget/v1/messages (in-process) -> assistant turn -> reply committed; grounded responder",
        "iterations_per_kind": iterations,
        "machine": machine_info(),
        # Other processes on the machine show up as latency here: read the numbers with this.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "per_kind": {kind: summarize_ms(values) for kind, values in samples.items()},
        "all": overall,
        # The assistant's share alone: from the stored customer message to the reply committed.
        "assistant_turn_per_kind": {kind: summarize_ms(values) for kind, values in turns.items()},
        "assistant_turn_all": summarize_ms([value for values in turns.values() for value in values]),
        "headline": {
            "p50_ms": overall["p50_ms"],
            "p99_ms": overall["p99_ms"],
            "target_p99_ms": TARGET_P99_MS,
            "meets_target": float(overall["p99_ms"]) <= TARGET_P99_MS,
        },
    })


if __name__ == "__main__":
    main()
