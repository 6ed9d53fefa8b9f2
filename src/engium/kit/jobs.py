"""The one job runtime: procrastinate tasks that carry ids, run bound to their tenant, retry on a schedule.

* **Deferring** happens in the caller's transaction, on its own connection (``engium.jobs.defer``): the job
  row commits or rolls back with the message, booking or delivery that asked for it, so a stored
  message always has its job and a rolled-back one never does. Arguments are ids only — a job table
  is a copy of whatever it holds, and erasure would have to chase text or secrets into it.
* **Running** happens in a procrastinate worker (``engium worker``, or inside ``engium serve``), which
  claims each job once across every process (``FOR UPDATE SKIP LOCKED``), sends heartbeats, and has
  periodic tasks deferred once per period however many workers run (:mod:`engium.jobs`).
* **Retrying** follows one :class:`Backoff` per kind of work, from the settings (the README's
  ``*_RETRY_DELAYS_SECONDS``); the domain decides what a last failed attempt means (dead-lettered,
  failed, handed to a person) in :func:`attempt_or_give_up`.

Domain-free: tenants appear as ids, tasks and their context come from the caller.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar
from uuid import UUID

import procrastinate
from procrastinate.jobs import Job
from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engium.kit.database_clock import DATABASE_CLOCK

T = TypeVar("T")

# The job arguments that are not UUIDs, and the shape each must have. A table name is schema, not data
# (incidents.decryption_failed names the credential table whose ciphertext failed to decrypt).
NAMED_ARGUMENTS = {"table": re.compile(r"[a-z][a-z0-9_]{0,62}")}
# A UUID as str(UUID) writes it: 32 hex digits without the hyphens could be a token, not an id.
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class NotAnId(ValueError):
    """A job argument that is not an id: it would copy customer text or a secret into the job table."""


def job_arguments(task_name: str, ids: Mapping[str, str | UUID]) -> dict[str, str]:
    """The arguments as the job stores them (text), after checking each is a UUID, or a name of the shape
    :data:`NAMED_ARGUMENTS` gives for its argument. The error names the argument, never its value, which
    may be the very secret it keeps out of the job table."""
    arguments: dict[str, str] = {}
    for name, value in ids.items():
        if isinstance(value, UUID):
            arguments[name] = str(value)
            continue
        if isinstance(value, str):
            shape = NAMED_ARGUMENTS.get(name)
            if shape is not None and shape.fullmatch(value):
                arguments[name] = value
                continue
            if _UUID_TEXT.fullmatch(value):
                arguments[name] = value
                continue
        expected = f"a UUID or a name like {NAMED_ARGUMENTS[name].pattern}" if name in NAMED_ARGUMENTS else "a UUID"
        raise NotAnId(
            f"{task_name}: argument {name!r} ({type(value).__name__}) is not {expected}; a job carries ids only, "
            "never text a customer wrote or a secret"
        )
    return arguments


@dataclass
class Backoff:
    """Delays between attempts, in seconds, each spread by ±``jitter`` so retries do not arrive in lockstep."""

    delays_seconds: Sequence[float]
    jitter: float = 0.0
    rng: random.Random = field(default_factory=random.SystemRandom)

    def after(self, attempts: int) -> timedelta | None:
        """The wait before the next attempt after ``attempts`` attempts, or None when none is left."""
        if attempts < 1 or attempts > len(self.delays_seconds):
            return None
        spread = self.rng.uniform(1 - self.jitter, 1 + self.jitter) if self.jitter else 1.0
        return timedelta(seconds=self.delays_seconds[attempts - 1] * spread)

    @property
    def max_attempts(self) -> int:
        return len(self.delays_seconds) + 1


class RetryLater(Exception):
    """This attempt failed and another is due after ``delay`` (raised by :func:`attempt_or_give_up`)."""

    def __init__(self, delay: timedelta, reason: str) -> None:
        super().__init__(reason)
        self.delay = delay
        self.reason = reason


class GaveUp(Exception):
    """The last attempt failed and the domain has recorded what that means; the job ends as failed."""


class ScheduledRetry(procrastinate.BaseRetryStrategy):
    """Retries exactly the attempts that asked for it (:class:`RetryLater`), after the delay they carry.

    The delay is decided where the settings of the process that ran the job are known, in
    :func:`attempt_or_give_up`; anything else that escapes a task (a bug) fails the job for good."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> procrastinate.RetryDecision | None:
        if isinstance(exception, RetryLater):
            # The database's time, not this host's: procrastinate compares it with the database's now()
            # when it fetches jobs, so a worker whose clock lags would otherwise retry at once.
            return procrastinate.RetryDecision(retry_at=DATABASE_CLOCK() + exception.delay)
        return None


def attempt_number(context: procrastinate.JobContext) -> int:
    """1 for the first run of a job, 2 for its first retry, and so on."""
    job = context.job
    return (job.attempts if job is not None else 0) + 1


def attempt_or_give_up(
    context: procrastinate.JobContext,
    backoff: Backoff,
    attempt: Callable[[], T],
    give_up: Callable[[BaseException], None],
) -> T:
    """Runs one attempt. When it raises, another follows after the backoff; when that was the last one,
    ``give_up`` records what it means for the domain (dead-lettered, failed, handed to a person) before
    the job is marked failed."""
    try:
        return attempt()
    except RetryLater:
        raise  # the domain chose the delay itself (and shows it, e.g. as a delivery's next attempt)
    except Exception as exc:
        delay = backoff.after(attempt_number(context))
        if delay is not None:
            raise RetryLater(delay, type(exc).__name__) from exc
        give_up(exc)
        raise GaveUp(type(exc).__name__) from exc


def cron_every(seconds: float) -> str:
    """A cron expression firing at least every ``seconds``.

    Seconds go in croniter's sixth field, which is the *last* one (``*/2`` first would mean every
    second of every other minute). Cron steps restart each minute or hour, so a step that does not
    divide it yields one shorter gap, never a longer one."""
    if seconds < 1:
        raise ValueError("periodic tasks run at most once a second")
    if seconds < 60:
        return f"* * * * * */{int(seconds)}"
    if seconds < 3600:
        return f"*/{int(seconds // 60)} * * * *"
    if seconds < 86400:
        return f"0 */{int(seconds // 3600)} * * *"
    return "0 0 * * *"


class JobSettings(BaseSettings):
    """``ENGIUM_JOBS_*``: how a worker runs jobs (the domains' settings say how each kind retries)."""

    model_config = SettingsConfigDict(env_prefix="ENGIUM_JOBS_", extra="ignore")

    # Jobs run at once by one worker process (each in a thread: the tasks are synchronous).
    concurrency: int = Field(default=4, ge=1, le=64)
    # New jobs are announced by LISTEN/NOTIFY; polling only backs that up (PgBouncer in transaction mode).
    poll_interval_seconds: float = Field(default=2.0, gt=0)
    # On shutdown, running jobs get this long to finish before they are interrupted (and retried later).
    shutdown_grace_seconds: float = Field(default=30.0, ge=0)
    keep_finished_hours: int = Field(default=24 * 7, ge=1)
    # A worker proves it is alive this often; one silent for stalled_after_seconds is presumed dead (killed,
    # host lost), and the periodic check (every stalled_check_seconds) retries the jobs it was running.
    heartbeat_seconds: float = Field(default=10.0, gt=0)
    stalled_after_seconds: float = Field(default=30.0, gt=0)
    stalled_check_seconds: float = Field(default=60.0, ge=1)
    # A worker whose clock is further than this from the database's logs a warning (kit/database_clock.py).
    clock_skew_warning_seconds: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def _stalled_after_heartbeats(self) -> JobSettings:
        # A live worker must never look dead: allow at least two missed heartbeats.
        if self.stalled_after_seconds < 2 * self.heartbeat_seconds:
            raise ValueError("ENGIUM_JOBS_STALLED_AFTER_SECONDS must be at least twice ENGIUM_JOBS_HEARTBEAT_SECONDS")
        return self
