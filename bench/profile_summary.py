"""Where a profiled server's time goes: a py-spy raw profile summarised by library and by caller, as JSON.

Record the profile of one uvicorn worker under load (samples that hold the GIL, raw collapsed stacks)::

    py-spy record --pid <worker pid> --gil --format raw --duration 10 --rate 200 -o profile.raw

then::

    .venv/bin/python bench/profile_summary.py profile.raw

``by_library``: the share of samples whose innermost frame is in each top-level package (the standard
library's modules count as one). ``by_caller``: the share of samples under each step of the signed SMS
ingest path (the first step listed that appears in the stack wins), the rest under "outside the route".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

STDLIB = frozenset({
    "abc", "asyncio", "base64", "collections", "concurrent", "contextlib", "copy", "dataclasses", "datetime",
    "email", "enum", "functools", "hashlib", "hmac", "inspect", "ipaddress", "json", "logging", "queue", "re",
    "selectors", "socket", "threading", "typing", "urllib", "uuid", "weakref",
})
# (what appears in a frame, the step it belongs to), most specific first.
STEPS = (
    ("store_arrival ", "message store (one function call)"),
    ("run_event_hook ", "conversation.created hooks (after-hours check)"),
    ("subscribed_endpoints ", "conversation.created hooks (webhook endpoints)"),
    ("queue_turn ", "job enqueue"),
    ("_append_pending_events ", "audit append at commit"),
    ("record (engium/audit", "audit records (sealing, JSON)"),
    ("read_for_verification ", "verification reads"),
    ("load_secrets ", "secrets and signature"),
    ("verify_twilio ", "secrets and signature"),
    ("claim_delivery ", "replay claim"),
    ("in_request_transaction ", "BEGIN/COMMIT and the route's own work"),
    ("twilio_sms ", "BEGIN/COMMIT and the route's own work"),
)
_PATH = re.compile(r"\(([^()]*?)(?::\d+)?\)$")


def library(frame: str) -> str:
    found = _PATH.search(frame)
    top = (found.group(1) if found else frame).split("/")[0].removesuffix(".py")
    return "stdlib" if top in STDLIB else top


def summarise(lines: list[str]) -> dict[str, object]:
    by_library: Counter[str] = Counter()
    by_caller: Counter[str] = Counter()
    total = 0
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        by_library[library(frames[-1])] += samples
        step = next((name for needle, name in STEPS if any(needle in f for f in frames)),
                    "outside the route (server, middlewares, thread hand-off)")
        by_caller[step] += samples

    def shares(counter: Counter[str]) -> dict[str, float]:
        return {name: round(100 * n / max(total, 1), 1) for name, n in counter.most_common()}

    return {"samples": total, "by_library_pct": shares(by_library), "by_caller_pct": shares(by_caller)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path, help="py-spy --format raw output")
    args = parser.parse_args()
    json.dump(summarise(args.profile.read_text().splitlines()), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
