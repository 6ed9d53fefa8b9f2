"""CI sets ENGIUM_REQUIRE_SYSTEM_PACKAGES (.ci/run): a test whose Debian package is missing then fails, naming the
package, where a developer's machine deselects it with a red summary (tests/deselection.py). Each case runs pytest
in a subprocess on a real test with the package made unreachable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deselection import REQUIRE_VARIABLE, system_packages_required

ROOT = Path(__file__).resolve().parent.parent
BROWSER_TEST = ("tests/web/test_operator_console_browser.py::"
                "test_an_operator_declares_an_incident_and_the_business_reads_its_notice")
FAKETIME_TEST = "tests/resilience/test_clock_skew.py"
NO_TESTS_RAN = 5  # pytest's exit code when everything was deselected


def _pytest(target: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {key: value for key, value in os.environ.items() if key != REQUIRE_VARIABLE}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp",
                           str(tmp_path / "basetemp"), target], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=300, check=False)


def test_without_the_variable_a_missing_chromium_deselects_the_browser_test_loudly(tmp_path: Path) -> None:
    run = _pytest(BROWSER_TEST, {"ENGIUM_TEST_CHROMIUM": str(tmp_path / "no-chromium")}, tmp_path)
    assert run.returncode == NO_TESTS_RAN, run.stdout + run.stderr
    assert "BROWSER TESTS NOT RUN" in run.stdout
    assert "1 deselected" in run.stdout


def test_under_the_variable_a_missing_chromium_fails_the_browser_test_naming_the_package(tmp_path: Path) -> None:
    run = _pytest(BROWSER_TEST, {"ENGIUM_TEST_CHROMIUM": str(tmp_path / "no-chromium"), REQUIRE_VARIABLE: "1"},
                  tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 error" in run.stdout
    assert "apt-get install chromium" in run.stdout
    assert REQUIRE_VARIABLE in run.stdout
    assert "deselected" not in run.stdout


def test_under_the_variable_faketime_missing_from_path_fails_the_clock_skew_tests(tmp_path: Path) -> None:
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    run = _pytest(FAKETIME_TEST, {"PATH": str(empty_path), REQUIRE_VARIABLE: "1"}, tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "apt-get install faketime" in run.stdout
    assert " passed" not in run.stdout
    assert "deselected" not in run.stdout


@pytest.mark.parametrize(("value", "required"), [(None, False), ("", False), ("0", False), ("1", True),
                                                  ("yes", True)])
def test_the_variable_requires_packages_when_set_to_anything_but_empty_or_zero(
        monkeypatch: pytest.MonkeyPatch, value: str | None, required: bool) -> None:
    if value is None:
        monkeypatch.delenv(REQUIRE_VARIABLE, raising=False)
    else:
        monkeypatch.setenv(REQUIRE_VARIABLE, value)
    assert system_packages_required() is required
