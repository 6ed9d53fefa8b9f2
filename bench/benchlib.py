"""Shared helpers for the benchmarks: logging to stderr, percentiles, embedded database access.

Benchmarks print exactly one JSON object to stdout; everything else goes to stderr.
"""

from __future__ import annotations

import json
import logging
import math
import os
import platform
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger("bench")


def setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    # platformdirs warns when XDG_RUNTIME_DIR is unset; it must not reach stdout either way.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def emit(result: dict[str, Any]) -> None:
    """The one line a benchmark writes to stdout."""
    sys.stdout.write(json.dumps(result, sort_keys=False) + "\n")
    sys.stdout.flush()


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (q in 0..100)."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return float(sorted_values[min(rank, len(sorted_values)) - 1])


def summarize_ms(samples_ns: Sequence[int]) -> dict[str, float | int]:
    values = sorted(v / 1e6 for v in samples_ns)
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 4),
        "p95_ms": round(percentile(values, 95), 4),
        "p99_ms": round(percentile(values, 99), 4),
        "mean_ms": round(sum(values) / len(values), 4) if values else math.nan,
    }


def libpq_url(sqlalchemy_url: str) -> str:
    """A SQLAlchemy ``postgresql+psycopg://`` URL as a plain libpq/psycopg conninfo URL."""
    return make_url(sqlalchemy_url).set(drivername="postgresql").render_as_string(hide_password=False)


def superuser_url(database: Any, dbname: str = "engium") -> str:
    """The embedded server's superuser URL (only the embedded default has one)."""
    embedded = database.embedded
    if embedded is None:
        raise RuntimeError("a superuser connection is only available with the embedded PostgreSQL")
    # The embedded server asks every role for its password (kit/embedded_auth.py): its own URL carries it.
    raw: str = embedded.superuser_url
    return make_url(raw).set(drivername="postgresql", database=dbname).render_as_string(hide_password=False)


def machine_info() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def default_tmp_root() -> Path:
    return Path(os.environ.get("TMPDIR", "/tmp"))  # noqa: S108 - the conventional default
