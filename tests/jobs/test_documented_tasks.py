"""docs/architecture.md names every task the job runtime knows, so the list a newcomer reads cannot fall
behind the code (it missed privacy.request_clocks and the incident tasks once)."""

from __future__ import annotations

import importlib
from pathlib import Path

from engium import jobs

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def test_the_architecture_page_names_every_task() -> None:
    for module in jobs.TASK_MODULES:  # where the domains register their tasks
        importlib.import_module(module)
    ours = {name for name, task in jobs.queue.tasks.items() if task.queue != "builtin"}
    page = ARCHITECTURE.read_text()

    assert "channels.send" in ours
    assert {name for name in ours if f"`{name}`" not in page} == set()
