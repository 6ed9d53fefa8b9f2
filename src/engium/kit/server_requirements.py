"""What Engium needs from a PostgreSQL server, checked before anything runs against it.

An operator's own server (``ENGIUM_DATABASE_URL``) may lack pgvector or run an old release. Without this
check the first sign would be a migration failing halfway with ``type "vector" does not exist``, or a
retrieval failing at run time on ``hnsw.iterative_scan``; instead the process refuses to start and names
every missing piece at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

MIN_POSTGRES_MAJOR = 15
# hnsw.iterative_scan (knowledge/retrieval.py) arrived in pgvector 0.8.0.
MIN_PGVECTOR = (0, 8, 0)


class UnsupportedServer(RuntimeError):
    """The server cannot run Engium; the message names what is missing and how to add it."""


@dataclass(frozen=True)
class ServerFacts:
    version_num: int  # server_version_num, e.g. 150018
    pgvector_available: str | None  # default_version in pg_available_extensions
    pgvector_installed: str | None  # installed_version in this database


def read_facts(conn: Connection) -> ServerFacts:
    version_num = int(conn.execute(text("show server_version_num")).scalar_one())
    row = conn.execute(
        text("select default_version, installed_version from pg_available_extensions where name = 'vector'")
    ).first()
    return ServerFacts(version_num, row[0] if row else None, row[1] if row else None)


def _version_tuple(version: str) -> tuple[int, ...]:
    parts = []
    for piece in version.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def problems(facts: ServerFacts) -> list[str]:
    """Every requirement the server misses, in words an operator can act on; empty when it is fit."""
    found = []
    major, minor = facts.version_num // 10000, facts.version_num % 10000
    if major < MIN_POSTGRES_MAJOR:
        found.append(f"PostgreSQL {major}.{minor} is too old: Engium needs PostgreSQL {MIN_POSTGRES_MAJOR} or later")
    wanted = ".".join(map(str, MIN_PGVECTOR))
    if facts.pgvector_available is None:
        found.append(
            f"the pgvector extension is not installed on this server: install pgvector {wanted} or later "
            f"(e.g. the postgresql-{major}-pgvector package), then run CREATE EXTENSION vector as a superuser"
        )
        return found
    version = facts.pgvector_installed or facts.pgvector_available
    if _version_tuple(version) < MIN_PGVECTOR:
        found.append(f"pgvector {version} is too old: Engium needs pgvector {wanted} or later")
    elif facts.pgvector_installed is None:
        found.append(
            f"pgvector {facts.pgvector_available} is available but not created in this database: "
            "run CREATE EXTENSION vector in it as a superuser (README: your own PostgreSQL)"
        )
    return found


def require_supported_server(conn: Connection) -> None:
    found = problems(read_facts(conn))
    if found:
        raise UnsupportedServer("this PostgreSQL server cannot run Engium: " + "; ".join(found))
