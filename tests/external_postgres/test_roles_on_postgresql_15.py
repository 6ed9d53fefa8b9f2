"""The README's role statements for PostgreSQL 15, run word for word (passwords aside) on Debian's PostgreSQL 15
as an operator would, and the roles they make checked by connecting as them: the app role can do nothing beyond
its grants; the owner may hand functions to the security-definer roles without holding their privileges, as
``GRANT ... WITH INHERIT FALSE, SET TRUE`` gives it on PostgreSQL 16 and later (which 15 cannot parse).

Debian's PostgreSQL 15 has no pgvector here: ``CREATE EXTENSION vector`` is the one statement that fails, and
the test says so rather than leaving it out."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import psycopg
import pytest

from tests.external_postgres.debian_cluster import SUPERUSER, Cluster
from tests.external_postgres.own_cluster import PG15_ROLE_STATEMENTS, readme_role_statements

VECTOR = "CREATE EXTENSION IF NOT EXISTS vector"


@dataclass(frozen=True)
class MadeRoles:
    cluster: Cluster
    owner_password: str
    app_password: str
    failed: dict[str, str]  # statement: PostgreSQL's error

    def connect(self, role: str, database: str = "engium") -> psycopg.Connection[tuple[object, ...]]:
        password = {"engium_owner": self.owner_password, "engium_app": self.app_password}[role]
        return psycopg.connect(f"postgresql://{role}:{password}@127.0.0.1:{self.cluster.port}/{database}",
                               autocommit=True)

    def admin(self, database: str = "engium") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            f"postgresql://{SUPERUSER}:{self.cluster.password}@127.0.0.1:{self.cluster.port}/{database}",
            autocommit=True)


@pytest.fixture(scope="module")
def made(pg15: Cluster) -> MadeRoles:
    owner_password, app_password = secrets.token_urlsafe(18), secrets.token_urlsafe(18)
    passwords = {"'owner-password'": f"'{owner_password}'", "'app-password'": f"'{app_password}'"}
    on_server, on_database = readme_role_statements(PG15_ROLE_STATEMENTS)
    failed: dict[str, str] = {}
    admin = f"postgresql://{SUPERUSER}:{pg15.password}@127.0.0.1:{pg15.port}"
    for database, statements in (("postgres", on_server), ("engium", on_database)):
        with psycopg.connect(f"{admin}/{database}", autocommit=True) as conn:
            for statement in statements:
                sql = re.sub("|".join(passwords), lambda m: passwords[m.group(0)], statement)
                try:
                    conn.execute(sql.encode())
                except psycopg.Error as error:
                    failed[statement] = str(error)
    return MadeRoles(pg15, owner_password, app_password, failed)


def test_the_block_runs_word_for_word_and_only_pgvector_is_missing(made: MadeRoles) -> None:
    assert list(made.failed) == [VECTOR]
    assert 'extension "vector" is not available' in made.failed[VECTOR]


def test_the_postgresql_16_grant_is_what_postgresql_15_cannot_parse(made: MadeRoles) -> None:
    on_server, _ = readme_role_statements()
    grant = next(statement for statement in on_server if "WITH INHERIT FALSE, SET TRUE" in statement)
    with made.admin("postgres") as conn, pytest.raises(psycopg.errors.SyntaxError):
        conn.execute(grant.encode())


def test_the_app_role_is_no_superuser_bypasses_no_row_security_and_creates_nothing(made: MadeRoles) -> None:
    with made.admin() as conn:
        attributes = conn.execute(
            "select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolinherit, rolcanlogin, rolconfig"
            " from pg_roles where rolname = 'engium_app'").fetchone()
    assert attributes == (False, False, False, False, False, True, ["plan_cache_mode=force_custom_plan"])
    with made.connect("engium_app") as app:
        for refused in ("CREATE ROLE intruder", "CREATE TABLE public.intruder (id int)", "SET ROLE engium_auth",
                        "SET ROLE engium_owner", "CREATE DATABASE intruder"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(refused.encode())


def test_the_owner_hands_functions_to_the_definer_roles_without_holding_their_privileges(made: MadeRoles) -> None:
    with made.admin() as conn:
        member, inherits = conn.execute(
            "select pg_has_role('engium_owner', 'engium_auth', 'MEMBER'),"
            " pg_has_role('engium_owner', 'engium_auth', 'USAGE')").fetchone() or (None, None)
        owner = conn.execute("select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles"
                             " where rolname = 'engium_owner'").fetchone()
    assert member is True
    assert inherits is False  # as WITH INHERIT FALSE on PostgreSQL 16
    assert owner == (False, False, False, False)
    with made.connect("engium_owner") as conn:
        conn.execute(b"CREATE TABLE public.owned (id int)")
        for definer in ("engium_auth", "engium_audit"):
            conn.execute(f"CREATE FUNCTION public.{definer}_probe() RETURNS int LANGUAGE sql SECURITY DEFINER"
                         f" AS 'select 1'".encode())
            conn.execute(f"ALTER FUNCTION public.{definer}_probe() OWNER TO {definer}".encode())
        handed = conn.execute("select proname, pg_get_userbyid(proowner) from pg_proc"
                              " where proname like '%\\_probe' order by 1").fetchall()
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(b"CREATE ROLE intruder")
    assert handed == [("engium_audit_probe", "engium_audit"), ("engium_auth_probe", "engium_auth")]


def test_the_two_blocks_differ_only_where_postgresql_15_needs_it() -> None:
    pg16, pg15 = readme_role_statements(), readme_role_statements(PG15_ROLE_STATEMENTS)
    assert pg15[1] == pg16[1]  # the statements in the new database are the same
    changed = [(new, old) for new, old in zip(pg15[0], pg16[0], strict=True) if new != old]
    assert changed == [
        ("CREATE ROLE engium_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD "
         "'owner-password'",
         "CREATE ROLE engium_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD 'owner-password'"),
        ("GRANT engium_auth TO engium_owner", "GRANT engium_auth TO engium_owner WITH INHERIT FALSE, SET TRUE"),
        ("GRANT engium_audit TO engium_owner", "GRANT engium_audit TO engium_owner WITH INHERIT FALSE, SET TRUE"),
    ]
