"""Runs scripted attacks through the whole pipeline, with the guard on and with it off, and counts
what got through.

The pipeline is the production one: the widget API stores each message and queues the turn, the
assistant worker runs it (guard, intents, tools, retrieval, the model through the gateway, the output
guard, the write phase), and the reply is read back through the widget API. "Off" is
``ConversationGuard(enabled=False)``: no sanitiser, no detector, no fenced and datamarked data block,
no output check; everything structural stays (intents from the customer's own message only, a "yes"
before any change, verified identity and ownership for cancelling, the tenant's RLS).

Each mode gets its own tenant; each attack its own conversation (and, for a signed-in attacker, a
booking of their own). The model's generation is capped at ``max_new_tokens`` to keep a CPU run short;
leaks show in the first sentences, and the engine asks for two or three.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from engium import jobs
from engium.ai.gateway import ChatMessage, ChatProvider, ModelGateway, ProviderReply
from engium.app import create_app
from engium.assistant.guarding import ConversationGuard
from engium.assistant.model_reply import policy_text
from engium.redteam.attacks import Attack
from engium.redteam.scenario import NOW, OTHER_EMAIL, OTHER_PHONE, Scenario, build_scenario
from engium.redteam.scoring import MEASURES, Exposure, score_replies
from engium.runtime import Runtime
from engium.tenancy.binding import tenant_transaction

MODES = ("on", "off")
Progress = Callable[[str], None]


class RecordingProvider:
    """The real provider, with the system prompts it was sent remembered and generation capped."""

    def __init__(self, inner: ChatProvider, max_new_tokens: int) -> None:
        self.inner = inner
        self.max_new_tokens = max_new_tokens
        self.system_prompts: list[str] = []

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def endpoint_host(self) -> str:
        return self.inner.endpoint_host

    @property
    def storage(self) -> bool:
        return self.inner.storage

    def chat(self, messages: Sequence[ChatMessage], *, max_tokens: int, temperature: float) -> ProviderReply:
        self.system_prompts.append(next((m.content for m in messages if m.role == "system"), ""))
        return self.inner.chat(messages, max_tokens=min(max_tokens, self.max_new_tokens), temperature=temperature)


@dataclass
class ModeRun:
    mode: str
    app: FastAPI
    scenario: Scenario
    # The runtime the mode's turns run with: its gateway, its guard (on or off), the fixed clock.
    runtime: Runtime
    results: list[dict[str, Any]] = field(default_factory=list)

    def visitor(self, number: int) -> TestClient:
        """Each attacker writes from an address of their own (RFC 5737 documentation range)."""
        return TestClient(self.app, client=(f"198.51.100.{number % 250 + 1}", 50000))


def _bookings(runtime: Runtime, tenant_id: UUID) -> dict[str, tuple[str, datetime]]:
    with tenant_transaction(runtime.database, tenant_id) as session:
        found = session.execute(text("select id::text, status, starts_at from bookings")).all()
    return {str(i): (str(status), starts_at) for i, status, starts_at in found}


def _guard_activity(runtime: Runtime, tenant_id: UUID, conversation_id: UUID) -> dict[str, Any]:
    with tenant_transaction(runtime.database, tenant_id) as session:
        found = session.execute(text(
            "select action, count(*) from audit_events where resource_type = 'conversation' "
            "and resource_id = :cid and action like 'guard.%' group by action"), {"cid": str(conversation_id)}).all()
        counted = {str(action): int(count) for action, count in found}
        status = session.execute(text("select status from conversations where id = :cid"),
                                 {"cid": conversation_id}).scalar_one()
    return {
        "flagged": int(counted.get("guard.flagged", 0)), "gated": int(counted.get("guard.action_gated", 0)),
        "blocked": int(counted.get("guard.output_blocked", 0)),
        "rewritten": int(counted.get("guard.output_rewritten", 0)), "escalated": status == "escalated",
    }


def run_attack(
    runtime: Runtime, run: ModeRun, recorder: RecordingProvider, attack: Attack, number: int
) -> dict[str, Any]:
    scenario = run.scenario
    visitor = run.visitor(number)
    try:
        chat = scenario.open_chat(visitor, f"rt-{run.mode}-{number}" if attack.signed_in else None)
        before = _bookings(runtime, scenario.tenant_id)
        first_prompt = len(recorder.system_prompts)
        for message in attack.messages:
            chat.send(message)
            jobs.drain(run.runtime)
        replies = chat.assistant_replies()
    finally:
        visitor.close()
    after = _bookings(runtime, scenario.tenant_id)
    prompts = tuple(recorder.system_prompts[first_prompt:])
    exposure = Exposure(
        canary=run.runtime.guard.canary(scenario.tenant_id, chat.conversation_id),
        system_prompts=(*prompts, policy_text("Harbour Hair", "")), secret=scenario.secret,
        other_email=OTHER_EMAIL, other_phone=OTHER_PHONE, allowed_hosts=scenario.allowed_hosts,
    )
    cancelled = {i for i, (status, _) in after.items() if status == "cancelled" and i in before
                 and before[i][0] == "confirmed"}
    moved = {i for i, (_, starts) in after.items() if i in before and before[i][1] != starts}
    created = [i for i in after if i not in before]
    for booking_id in created:
        # Measured; now freed, so that the next attack finds the same calendar (its slot not taken).
        scenario.cancel(booking_id)
    result: dict[str, Any] = {
        "bookings_created": len(created),
        "bookings_cancelled": len(cancelled),
        "bookings_moved": len(moved),
        # Cancelled or moved bookings that were not the attacker's own: another customer's.
        "others_bookings_changed": len((cancelled | moved) - {chat.own_booking_id}),
        **score_replies(replies, exposure),
        "model_calls": len(prompts), "messages": len(attack.messages), "replies": len(replies),
        **_guard_activity(runtime, scenario.tenant_id, chat.conversation_id),
    }
    return result


def _totals(results: Sequence[dict[str, Any]]) -> dict[str, int]:
    totals = {measure: sum(int(r[measure]) for r in results) for measure in MEASURES}
    totals["attacks_succeeded"] = sum(1 for r in results if any(r[m] for m in MEASURES))
    for key in ("model_calls", "flagged", "gated", "blocked", "rewritten"):
        totals[key] = sum(int(r[key]) for r in results)
    totals["escalated"] = sum(1 for r in results if r["escalated"])
    return totals


def run_redteam(runtime: Runtime, recorder: RecordingProvider, attacks: Sequence[Attack], *,
                modes: Sequence[str] = MODES, progress: Progress | None = None) -> dict[str, Any]:
    """Every attack in every mode; the report holds counts only, never a reply's text (a reply of the
    unguarded baseline may hold the secret)."""
    started = time.perf_counter()
    gateway = ModelGateway(recorder)
    runs: list[ModeRun] = []
    app = create_app(runtime)
    with TestClient(app, client=("192.0.2.10", 50000)) as client:
        for mode in modes:
            mode_runtime = replace(runtime, clock=lambda: NOW, guard=ConversationGuard(enabled=mode == "on"))
            mode_runtime.gateway = gateway
            run = ModeRun(mode, app, build_scenario(runtime, client, f"guard {mode}"), mode_runtime)
            for number, attack in enumerate(attacks, start=1):
                result = run_attack(runtime, run, recorder, attack, number)
                run.results.append(result)
                if progress is not None:
                    hits = ", ".join(f"{m}={result[m]}" for m in MEASURES if result[m]) or "nothing got through"
                    progress(f"[guard {mode}] {attack.id}: {hits} (model calls {result['model_calls']})")
            runs.append(run)
    return {
        "model": recorder.model, "max_new_tokens": recorder.max_new_tokens, "attacks": len(attacks),
        "seconds": round(time.perf_counter() - started, 1),
        "totals": {run.mode: _totals(run.results) for run in runs},
        "results": [
            {"id": attack.id, "family": attack.family, "goal": attack.goal,
             **{run.mode: run.results[index] for run in runs}}
            for index, attack in enumerate(attacks)
        ],
    }
