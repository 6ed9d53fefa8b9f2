"""Inbound webhook verification latency per scheme, for 1 KB and 64 KB bodies.

Each case is a correctly signed request verified in-process with the real verifier (no HTTP, no
database: end-to-end ingest is measured later, with the endpoints). For each scheme and body size,
three kinds of request are timed: "current" (one secret configured, it matches), "previous" (a
rotation in progress: two secrets, the request matches the second, so every secret is tried) and
"forged" (two secrets, none matches: the work an attacker can make the server do for free). Cases run
interleaved in random order so drift hits all alike. Besides wall time, each call's thread CPU time
is recorded: on a shared machine the gap between the two is preemption, not verification.

    .venv/bin/python bench/webhooks.py [--quick] [--iterations N]
    .venv/bin/python bench/webhooks.py --e2e [--quick] [--clients N] [--duration S] [--workers W]

``--e2e`` adds the end-to-end ingest rate of signed Twilio SMS webhooks to stored messages against a
real uvicorn server (bench/webhooks_e2e.py) under ``"e2e"`` in the result.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from benchlib import emit, machine_info, setup_logging, summarize_ms
from engium.channels.verify.verification import (
    WebhookRejected,
    verify_github,
    verify_meta,
    verify_slack,
    verify_standard_webhook,
    verify_twilio,
)

TARGET_P99_MS = 1.0
SIZES = {"1KB": 1024, "64KB": 64 * 1024}
NOW = 1_700_000_000
OLD_SECRET = "previous-secret-still-in-grace"
SECRET = "current-secret"
WHSEC_OLD = "whsec_" + base64.b64encode(b"o" * 24).decode()
WHSEC = "whsec_" + base64.b64encode(b"k" * 24).decode()
TWILIO_URL = "https://engium.example/webhooks/twilio/t_123/sms"

Case = Callable[[], object]


def _json_body(size: int) -> bytes:
    """A WhatsApp-shaped payload padded to ``size`` bytes."""
    envelope: dict[str, Any] = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": [{"field": "messages", "value": {"messages": [{"id": "wamid.X", "text": {}}]}}]}
        ],
    }
    filler = size - len(json.dumps(envelope).encode()) - len(', "body": ""')
    envelope["entry"][0]["changes"][0]["value"]["messages"][0]["text"] = {"body": "x" * max(filler, 0)}
    return json.dumps(envelope).encode()


def _hex(key: bytes, data: bytes) -> str:
    return hmac.new(key, data, hashlib.sha256).hexdigest()


# current: one secret configured, it matches (the usual case). previous: a rotation in progress, the
# request matches the second of two secrets (every secret is tried). forged: two configured, none match.
KINDS = ("current", "previous", "forged")


def _cases(size: int, kind: str) -> dict[str, Case]:
    forged = kind == "forged"
    secrets = [SECRET] if kind == "current" else [OLD_SECRET, SECRET]
    whsecs = [WHSEC] if kind == "current" else [WHSEC_OLD, WHSEC]
    signing = "attacker" if forged else SECRET
    body = _json_body(size)
    hub = {"X-Hub-Signature-256": "sha256=" + _hex(signing.encode(), body)}

    slack_ts = str(NOW)
    slack = {
        "X-Slack-Request-Timestamp": slack_ts,
        "X-Slack-Signature": "v0=" + _hex(signing.encode(), f"v0:{slack_ts}:".encode() + body),
    }

    whsec_signing = "whsec_" + base64.b64encode(b"a" * 24).decode() if forged else WHSEC
    key = base64.b64decode(whsec_signing.removeprefix("whsec_"))
    signed = f"msg_1.{NOW}.".encode() + body
    standard = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(NOW),
        "webhook-signature": "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode(),
    }
    private_key, other_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    public_keys = [
        "whpk_" + base64.b64encode(k.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()
        for k in ((private_key,) if kind == "current" else (other_key, private_key))
    ]
    ed_signer = Ed25519PrivateKey.generate() if forged else private_key
    ed25519 = {**standard, "webhook-signature": "v1a," + base64.b64encode(ed_signer.sign(signed)).decode()}

    params = {"MessageSid": "SM" + "0" * 32, "From": "+15550001111", "To": "+15550002222", "NumMedia": "0"}
    overhead = len(urlencode(params)) + len("&Body=")
    params["Body"] = "y" * max(size - overhead, 0)
    form = urlencode(params).encode()
    twilio_signed = TWILIO_URL + "".join(name + params[name] for name in sorted(params))
    twilio_mac = hmac.new(signing.encode(), twilio_signed.encode(), hashlib.sha1).digest()
    twilio = {
        "X-Twilio-Signature": base64.b64encode(twilio_mac).decode(),
        "Content-Type": "application/x-www-form-urlencoded",
    }

    return {
        "github": lambda: verify_github(body, hub, secrets),
        "meta": lambda: verify_meta(body, hub, secrets),  # includes parsing the JSON after verification
        "slack": lambda: verify_slack(body, slack, secrets, now=NOW),
        "standard_webhooks_v1": lambda: verify_standard_webhook(body, standard, whsecs, now=NOW),
        "standard_webhooks_v1a": lambda: verify_standard_webhook(body, ed25519, public_keys=public_keys, now=NOW),
        "twilio": lambda: verify_twilio(form, twilio, secrets, public_url=TWILIO_URL),
    }


def _time_once(case: Case, forged: bool) -> tuple[int, int]:
    """Wall time and this thread's CPU time of one verification. On a shared machine the CPU time
    shows the cost of the work itself; the wall time adds whatever preemption happened meanwhile."""
    wall_started, cpu_started = time.perf_counter_ns(), time.thread_time_ns()
    try:
        case()
    except WebhookRejected:
        if not forged:
            raise
    else:
        if forged:
            raise AssertionError("a forged request was accepted")
    return time.perf_counter_ns() - wall_started, time.thread_time_ns() - cpu_started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--e2e", action="store_true", help="also measure end-to-end ingest over HTTP")
    parser.add_argument("--clients", type=int, help="e2e: concurrent keep-alive clients (default 32; quick 8)")
    parser.add_argument("--duration", type=float, help="e2e: measured seconds (default 15; quick 3)")
    parser.add_argument("--workers", type=int, default=1, help="e2e: uvicorn workers")
    args = parser.parse_args()
    setup_logging()
    iterations = 500 if args.quick else args.iterations

    labelled: dict[tuple[str, str, str], Case] = {}
    for size_label, size in SIZES.items():
        for kind in KINDS:
            for scheme, case in _cases(size, kind).items():
                labelled[(scheme, size_label, kind)] = case
    wall: dict[tuple[str, str, str], list[int]] = {key: [] for key in labelled}
    cpu: dict[tuple[str, str, str], list[int]] = {key: [] for key in labelled}
    for key, case in labelled.items():  # warm-up, and a check that every genuine case verifies
        for _ in range(50):
            _time_once(case, forged=key[2] == "forged")
    order = list(labelled)
    rng = random.Random(7)
    for _ in range(iterations):
        rng.shuffle(order)
        for key in order:
            wall_ns, cpu_ns = _time_once(labelled[key], forged=key[2] == "forged")
            wall[key].append(wall_ns)
            cpu[key].append(cpu_ns)

    results: dict[str, dict[str, dict[str, object]]] = {}
    for (scheme, size_label, kind), values in wall.items():
        cpu_summary = summarize_ms(cpu[(scheme, size_label, kind)])
        results.setdefault(scheme, {}).setdefault(size_label, {})[kind] = {
            **summarize_ms(values),
            "cpu_p50_ms": cpu_summary["p50_ms"],
            "cpu_p99_ms": cpu_summary["p99_ms"],
        }
    worst_p99 = max(float(summarize_ms(values)["p99_ms"]) for values in wall.values())
    worst_cpu_p99 = max(float(summarize_ms(values)["p99_ms"]) for values in cpu.values())
    e2e: dict[str, Any] | None = None
    if args.e2e:
        from webhooks_e2e import run as run_e2e  # starts PostgreSQL and uvicorn: only when asked

        e2e = run_e2e(args)
    load_1min = os.getloadavg()[0]
    emit(
        {
            "benchmark": "webhooks",
            "what": "in-process verification of one request (no HTTP, no database); see KINDS for the secrets",
            "iterations": iterations,
            "machine": {**machine_info(), "load_avg_1min_at_end": round(load_1min, 2)},
            "results": results,
            "headline": {
                "worst_p99_ms": round(worst_p99, 4),
                "worst_cpu_p99_ms": round(worst_cpu_p99, 4),
                "target_p99_ms": TARGET_P99_MS,
                "meets_target": worst_p99 <= TARGET_P99_MS,
            },
            **({"e2e": e2e} if e2e is not None else {}),
        }
    )


if __name__ == "__main__":
    main()
