"""A static check of the example deployment in deploy/ (docs/deploy.md): the files are read and parsed, and
what they name is checked against the code (the CLI's own option parser, the settings, the repository's
paths, the app's routes). Nothing here starts systemd, Caddy or a container build: those tools' behaviour
with these files is not proven by this test."""

from __future__ import annotations

import configparser
import json
import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from typer.core import TyperGroup
from typer.main import get_command

from engium.cli.job_worker import STOP_MARGIN_SECONDS
from engium.cli.main import app as cli
from engium.config import Settings
from engium.kit.jobs import JobSettings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_ENGIUM = "/opt/engium/venv/bin/engium"
GRACE = JobSettings().shutdown_grace_seconds


def cli_accepts(argv: list[str]) -> None:
    """Parses ``argv`` (after ``engium``) with the CLI's own parser, without running the command: an unknown
    command or option, or a bad value, raises the CLI's usage error."""
    group = get_command(cli)
    assert isinstance(group, TyperGroup)
    with group.make_context("engium", [argv[0]]) as context:
        command = group.get_command(context, argv[0])
        assert command is not None, f"engium has no command {argv[0]!r}"
        command.make_context(argv[0], argv[1:], parent=context).close()


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text())
    return parser


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "engium.env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def containerfile() -> list[tuple[str, str]]:
    """(instruction, arguments), continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Containerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


@pytest.mark.parametrize(("name", "instance"), [("engium-serve@.service", "8001"), ("engium-worker@.service", "1")])
def test_each_systemd_unit_parses_and_its_command_is_one_the_cli_accepts(name: str, instance: str) -> None:
    parsed = unit(name)
    assert parsed.sections() == ["Unit", "Service", "Install"]
    service = parsed["Service"]
    for key in ("Type", "User", "Group", "EnvironmentFile", "ExecStart", "KillSignal", "TimeoutStopSec", "Restart"):
        assert service.get(key), f"{name} lacks Service.{key}"
    assert parsed["Install"]["WantedBy"] == "multi-user.target"
    assert service["User"] != "root"
    command = shlex.split(service["ExecStart"].replace("%i", instance))
    assert command[0] == VENV_ENGIUM
    cli_accepts(command[1:])
    assert service["KillSignal"] == "SIGTERM"  # the signal both commands drain on
    assert service["EnvironmentFile"] == "/etc/engium/engium.env"
    assert env_example()["ENGIUM_DATA_DIR"] in service["ReadWritePaths"].split()


def test_the_units_give_shutdown_more_time_than_the_jobs_grace() -> None:
    worker = unit("engium-worker@.service")["Service"]
    assert float(worker["TimeoutStopSec"]) > GRACE + STOP_MARGIN_SECONDS  # else systemd kills mid-grace
    serve = unit("engium-serve@.service")["Service"]
    assert "--no-worker" in serve["ExecStart"]  # jobs run in the worker units only
    assert float(serve["TimeoutStopSec"]) >= float(worker["TimeoutStopSec"])


def test_the_environment_example_sets_only_real_settings_and_keeps_listen_and_owner_off_the_pooler(
        monkeypatch: pytest.MonkeyPatch) -> None:
    example = env_example()
    unknown = [key for key in example if key.removeprefix("ENGIUM_").lower() not in Settings.model_fields]
    assert unknown == []
    for key, value in example.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.database_pooler == "transaction"
    assert settings.database_url is not None
    assert settings.database_listen_url is not None
    assert settings.owner_database_url is not None
    pooled = urlsplit(settings.database_url.get_secret_value())
    # ADR 0023: LISTEN and the migrations' advisory locks need direct connections, not the pooler.
    for direct in (settings.database_listen_url, settings.owner_database_url):
        assert urlsplit(direct.get_secret_value()).netloc.split("@")[1] != pooled.netloc.split("@")[1]
    assert "127.0.0.1/32" in example["ENGIUM_TRUSTED_PROXIES"]  # Caddy, on the same host as the API


def test_the_caddyfile_balances_over_the_serve_units_and_checks_readiness(client: TestClient) -> None:
    caddy = (DEPLOY / "Caddyfile").read_text()
    health = re.search(r"^\s*health_uri\s+(\S+)\s*$", caddy, re.MULTILINE)
    assert health is not None
    assert health.group(1) == "/readyz"
    backends = re.search(r"^\s*reverse_proxy\s+(.+?)\s*\{", caddy, re.MULTILINE)
    assert backends is not None
    upstreams = backends.group(1).split()
    assert len(upstreams) >= 2
    serve = unit("engium-serve@.service")["Service"]["ExecStart"]
    for upstream in upstreams:
        host, port = upstream.rsplit(":", 1)
        assert f"--host {host}" in serve  # the units listen where Caddy sends
        cli_accepts(["serve", "--host", host, "--port", port, "--no-worker"])
    assert re.search(r"^\s*flush_interval\s+-1\s*$", caddy, re.MULTILINE)  # the live inbox's event stream
    # The probes the proxy and the image name exist in the app: readiness for traffic, health for liveness.
    assert client.get("/readyz").json() == {"status": "ready"}
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_containerfile_copies_existing_paths_and_runs_a_command_the_cli_accepts() -> None:
    steps = containerfile()
    python = {args.split(None, 1)[0] for instruction, args in steps if instruction == "FROM"}
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11"
    assert all(image.startswith("python:3.1") for image in python)
    copied = [args.split() for instruction, args in steps if instruction == "COPY" and "--from" not in args]
    for *sources, _destination in copied:
        for source in sources:
            assert (ROOT / source).exists(), f"the Containerfile copies {source}, which is not in the repository"
    makefile_models = re.search(r"^MODEL_PACKAGES := (.+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert makefile_models is not None
    for pin in re.findall(r"'([a-z0-9-]+==[0-9.]+)'", " ".join(args for _, args in steps)):
        assert f"'{pin}'" in makefile_models.group(1)  # the same model files as `make install`
    (command,) = [json.loads(args) for instruction, args in steps if instruction == "CMD"]
    assert command[0] == "engium"
    cli_accepts(command[1:])
    environment = dict(pair.split("=", 1) for instruction, args in steps if instruction == "ENV"
                       for pair in args.split())
    assert {key.removeprefix("ENGIUM_").lower() for key in environment if key.startswith("ENGIUM_")} <= set(
        Settings.model_fields)
    (exposed,) = [args for instruction, args in steps if instruction == "EXPOSE"]
    assert exposed == environment["ENGIUM_PORT"]
    (check,) = [args for instruction, args in steps if instruction == "HEALTHCHECK"]
    assert f"http://127.0.0.1:{exposed}/readyz" in check
    assert ("STOPSIGNAL", "SIGTERM") in steps
    users = [args for instruction, args in steps if instruction == "USER"]
    assert users
    assert users[-1] != "root"


@pytest.mark.parametrize("argv", [["serve", "--no-such-option"], ["serve", "--port", "eighty"], ["no-such-command"],
                                  ["worker", "--no-worker"]])
def test_the_command_check_refuses_what_the_cli_refuses(argv: list[str]) -> None:
    with pytest.raises(Exception, match=r"(?i)no such|valid|has no command"):
        cli_accepts(argv)
