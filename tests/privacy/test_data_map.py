"""The personal-data map against the live catalog: every column of every table is classified, personal or not."""

from __future__ import annotations

from sqlalchemy import Connection, text

from engium.privacy.data_map import STORES, DataSubject, Erasure, customer_stores


def live_columns(conn: Connection) -> dict[str, set[str]]:
    rows = conn.execute(
        text(
            "select c.relname, a.attname from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped "
            "where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition"
        )
    ).all()
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table, set()).add(column)
    return found


def test_every_table_in_the_database_is_in_the_map(owner_conn: Connection) -> None:
    assert sorted(set(live_columns(owner_conn)) - {s.table for s in STORES}) == []


def test_every_table_in_the_map_exists(owner_conn: Connection) -> None:
    assert sorted({s.table for s in STORES} - set(live_columns(owner_conn))) == []


def test_every_column_is_classified_as_personal_or_not(owner_conn: Connection) -> None:
    live = live_columns(owner_conn)
    unclassified = sorted(
        f"{s.table}.{column}" for s in STORES for column in live.get(s.table, set()) - s.columns()
    )
    stale = sorted(f"{s.table}.{column}" for s in STORES for column in s.columns() - live.get(s.table, set()))
    assert unclassified == []
    assert stale == []


def test_no_column_is_both_personal_and_not() -> None:
    both = [(s.table, sorted({f.column for f in s.personal} & s.other)) for s in STORES]
    assert [entry for entry in both if entry[1]] == []


def test_each_table_is_mapped_once() -> None:
    tables = [s.table for s in STORES]
    assert len(tables) == len(set(tables))


def test_every_store_of_customer_data_says_what_erasure_does_to_it() -> None:
    for store in customer_stores():
        assert store.erasure is not Erasure.NOT_CUSTOMER_DATA, store.table
        assert store.reached_by, store.table
    staff_only = [s for s in STORES if s.personal and all(f.subject is not DataSubject.CUSTOMER for f in s.personal)]
    assert all(s.erasure is Erasure.NOT_CUSTOMER_DATA for s in staff_only)
