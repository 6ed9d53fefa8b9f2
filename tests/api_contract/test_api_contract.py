"""The API document tells the truth: schemathesis, with every check and every phase (stateful included),
against a real ``engium serve --demo`` authenticated as the demo business's owner (ADR 0020).

The run is bounded and repeatable (a fixed seed and example count, in ``schemathesis.toml`` beside this
file, with the short list of exclusions and the reason for each) and takes two to three minutes. The
server's throttles are raised, so that the fuzzer reaches the logic behind the public widget and webhook
routes; signatures are still checked, so every unsigned webhook is still refused.

Run it alone with ``pytest tests/api_contract -s`` to watch schemathesis's report; a failing run leaves
its JUnit report under pytest's temporary directory and names it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from engium.incidents.operator_auth import new_token
from tests.conftest import scratch_dir
from tests.live_server import LiveServer, cli_env, live_server, run_cli

CONFIG = Path(__file__).with_name("schemathesis.toml")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Far above what the run sends, so no request is throttled: a raised limit lets nothing unsigned in.
RAISED_THROTTLES = {
    "ENGIUM_LOGIN_ATTEMPTS_PER_MINUTE": "1000000",
    "ENGIUM_CHANNELS_FAILURES_PER_MINUTE": "1000000",
    "ENGIUM_CHANNELS_WIDGET_REQUESTS_PER_MINUTE": "1000000",
    "ENGIUM_CHANNELS_PRIVACY_CODES_PER_HOUR": "1000000",
}
# The operator's credential for the run: the server gets its hash, schemathesis the token.
OPERATOR_TOKEN, OPERATOR_TOKEN_SHA256 = new_token()
# A hard stop well above the run's usual two to three minutes on a shared machine: a hung run fails.
RUN_LIMIT_SECONDS = 900


@pytest.fixture(scope="module")
def demo_server() -> Iterator[LiveServer]:
    with scratch_dir("engium-api-contract-") as scratch, live_server(
        scratch / "data", {**RAISED_THROTTLES, "ENGIUM_OPERATOR_TOKEN_SHA256": OPERATOR_TOKEN_SHA256}, "--demo"
    ) as server:
        yield server


def owner_key(server: LiveServer, tenant_id: str) -> str:
    created = run_cli(server.data_dir, "apikey", "create", "--tenant", tenant_id, "--role", "owner",
                      "--name", "api-contract", "--json")
    assert created.returncode == 0, created.stderr
    return str(json.loads(created.stdout)["key"])


def test_the_raised_throttles_still_refuse_an_unsigned_webhook(demo_server: LiveServer) -> None:
    demo = json.loads((demo_server.data_dir / "demo-credentials.json").read_text())
    with demo_server.client() as client:
        tenant_public_id = client.get("/api/v1/tenant", headers={
            "Authorization": f"Bearer {owner_key(demo_server, demo['tenant_id'])}"}).json()["public_id"]
        for _ in range(40):  # more than the default budget of 30 failures a minute
            answer = client.post(f"/webhooks/events/{tenant_public_id}", json={"type": "message"})
            assert answer.status_code == 401, answer.text


def test_schemathesis_finds_no_failure(demo_server: LiveServer, tmp_path: Path) -> None:
    demo = json.loads((demo_server.data_dir / "demo-credentials.json").read_text())
    with demo_server.client() as client:
        started = client.post("/widget/v1/conversations", json={}, headers={"X-Widget-Key": demo["widget_key"]})
    assert started.status_code == 201, started.text
    env = cli_env({"ENGIUM_API_KEY": owner_key(demo_server, demo["tenant_id"]),
                   "ENGIUM_WIDGET_KEY": demo["widget_key"], "ENGIUM_WIDGET_TOKEN": started.json()["token"],
                   "ENGIUM_OPERATOR_TOKEN": OPERATOR_TOKEN})
    report = tmp_path / "report"
    command = [
        str(SCHEMATHESIS), "--config-file", str(CONFIG), "run", "--checks", "all",
        "--report", "junit", "--report-dir", str(report), f"{demo_server.url}/api/v1/openapi.json",
    ]
    # In tmp_path: schemathesis keeps a cache (.schemathesis/) in its working directory.
    ran = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=RUN_LIMIT_SECONDS, check=False)
    print(ran.stdout)  # schemathesis's summary (operations, cases, time), shown with -s
    assert ran.returncode == 0, f"schemathesis failed (JUnit report in {report}):\n{ran.stdout[-20000:]}\n{ran.stderr}"

