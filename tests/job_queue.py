"""Running the job runtime from tests: drain what is due, look at jobs, make a retry due now.

Jobs are run by the real procrastinate worker (``engium.jobs.drain``), in this process, with the
runtime a test gives it (its settings, clock, gateway). ``tests/conftest.py`` empties the queue around
every test, so a drain runs only the jobs of the test that calls it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import text

from engium import jobs
from engium.runtime import Runtime

# Collaborators a copy keeps, so that a test's runtime does not load the embedding model again.
_SHARED = ("embedder", "vault")


def runtime_with(runtime: Runtime, **changes: Any) -> Runtime:
    """A copy of ``runtime`` with other settings (``settings=`` sub-models by name) or collaborators."""
    settings_changes = {k: changes.pop(k) for k in list(changes) if k in type(runtime.settings).model_fields}
    gateway = changes.pop("gateway", None)
    copy = replace(runtime, settings=runtime.settings.model_copy(update=settings_changes), **changes)
    for name in _SHARED:
        if name in runtime.__dict__:
            copy.__dict__[name] = runtime.__dict__[name]
    if gateway is not None:
        copy.gateway = gateway
    return copy


def drain(runtime: Runtime) -> None:
    jobs.drain(runtime)


def job_rows(runtime: Runtime, task_name: str, **args: str) -> list[dict[str, Any]]:
    """The jobs of ``task_name`` whose arguments include ``args``, oldest first."""
    with runtime.database.transaction() as session:
        rows = session.execute(
            text(
                "select id, status::text, attempts, scheduled_at, args from procrastinate_jobs "
                "where task_name = :t and args @> cast(:a as jsonb) order by id"
            ),
            {"t": task_name, "a": json.dumps(args)},
        ).all()
    return [dict(zip(("id", "status", "attempts", "scheduled_at", "args"), row, strict=True)) for row in rows]


def make_due(runtime: Runtime, job_id: int) -> datetime:
    """Moves a waiting retry to now (time passing, without waiting); returns when it had been due."""
    with runtime.database.transaction() as session:
        due: datetime = session.execute(
            text("update procrastinate_jobs set scheduled_at = now() where id = :i and status = 'todo' "
                 "returning (select scheduled_at from procrastinate_jobs where id = :i)"),
            {"i": job_id},
        ).scalar_one()
    return due


def empty_queue(runtime: Runtime) -> None:
    with runtime.database.transaction() as session:
        session.execute(text("delete from procrastinate_jobs where status = 'todo'"))


BackgroundWorker = jobs.WorkerThread
