"""The attacks on a sealed chain that the tampering and parallel-verification specifications both run:
each edits the audit tables as a superuser would and returns the first sequence number it breaks."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from sqlalchemy import Connection, Engine

from engium.runtime import Runtime
from tests.audit import tamper
from tests.audit.conftest import append, seal
from tests.conftest import make_tenant

EVENTS = 5


def sealed_chain(runtime: Runtime) -> tuple[UUID, list[int]]:
    """A dedicated tenant whose events are each covered by their own signed, anchored checkpoint."""
    tenant = make_tenant(runtime).id
    seal(runtime)
    seqs = []
    for n in range(EVENTS):
        seqs.append(append(runtime, tenant, details={"n": n}))
        seal(runtime)
    return tenant, seqs


Attack = Callable[[Connection, UUID, list[int]], int]


def _modify(conn: Connection, tenant: UUID, seqs: list[int]) -> int:
    tamper.modify_details(conn, tenant, seqs[2])
    return seqs[2]


def _delete(conn: Connection, tenant: UUID, seqs: list[int]) -> int:
    tamper.delete_event(conn, tenant, seqs[1])
    return seqs[1]


def _delete_and_renumber(conn: Connection, tenant: UUID, seqs: list[int]) -> int:
    tamper.delete_event(conn, tenant, seqs[1])
    tamper.renumber_after(conn, tenant, seqs[1])
    return seqs[1]


def _reorder(conn: Connection, tenant: UUID, seqs: list[int]) -> int:
    tamper.swap_events(conn, tenant, seqs[1], seqs[3])
    return seqs[1]


def _truncate(conn: Connection, tenant: UUID, seqs: list[int]) -> int:
    tamper.truncate_after(conn, tenant, seqs[2])
    return seqs[3]


ATTACKS: dict[str, Attack] = {
    "modify": _modify,
    "delete": _delete,
    "delete_renumber": _delete_and_renumber,
    "reorder": _reorder,
    "truncate": _truncate,
}


COVER_UPS = ("none", "rechain", "rechain_and_drop_checkpoints")


def attack_and_cover_up(superuser_engine: Engine, tenant: UUID, seqs: list[int], attack: str, cover_up: str) -> int:
    """Runs ``attack`` with the triggers off, then the cover-up; returns the first sequence number it broke."""
    with tamper.triggers_disabled(superuser_engine) as conn:
        broken = ATTACKS[attack](conn, tenant, seqs)
        if cover_up != "none":
            tamper.rechain(conn, tenant)
        if cover_up == "rechain_and_drop_checkpoints":
            # The thorough attacker also removes every checkpoint the rewrite contradicts.
            tamper.drop_checkpoints_after(conn, tenant, broken - 1)
    return broken
