"""The package structure, checked on the real import graph (grimp, type-checking-only imports left out):
no cycle between top-level packages, and the low layers import nothing above them."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import grimp
import pytest

# The composition root: wires the domains together, so no domain may import it.
COMPOSITION = {"app", "runtime", "cli", "web", "demo", "redteam", "provisioning", "models", "body_limits",
               "migrations"}
# Below every domain, in this order: each may import only those listed before it.
FOUNDATION = ("errors", "kit", "tenancy.binding", "context", "access")
# Modules that are a node of their own rather than part of their top-level package. Binding a transaction
# to a tenant lives in tenancy/, where a newcomer looks for it, but row-level security sits under every
# domain (access binds a credential's tenant, audit binds for a refusal it records after a rollback), so
# the module is part of the foundation while the tenancy domain above it records audit events.
OWN_NODES = ("tenancy.binding",)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("engium", exclude_type_checking_imports=True)


@pytest.fixture(scope="module")
def edges(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for module in graph.modules:
        source = _top(module)
        if source is None:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = _top(imported)
            if target is not None and target != source:
                found[source].add(target)
    return found


def _top(module: str) -> str | None:
    parts = module.split(".")
    for node in OWN_NODES:
        name = ".".join(parts[1:])
        if name == node or name.startswith(node + "."):
            return node
    return parts[1] if len(parts) > 1 else None


def test_a_package_whose_module_is_its_own_node_imports_nothing_on_import(graph: grimp.ImportGraph) -> None:
    """Importing engium.tenancy.binding runs engium/tenancy/__init__.py first: it must stay import-free,
    or the foundation would pull the tenancy domain in after all."""
    for node in OWN_NODES:
        package = "engium." + node.rsplit(".", 1)[0]
        assert graph.find_modules_directly_imported_by(package) == set()


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_top_level_packages(edges: dict[str, set[str]]) -> None:
    assert _cycles(edges) == []


def test_no_import_cycle_between_modules(graph: grimp.ImportGraph) -> None:
    """Within a package too (cli/main and its *_commands, a domain's service and its repository): a module
    that imports one that imports it back works only in one import order. Imports inside functions count;
    those under TYPE_CHECKING do not, since they never run."""
    modules = {module: set(graph.find_modules_directly_imported_by(module)) for module in graph.modules}
    assert _cycles(modules) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_domain_imports_the_composition_root(edges: dict[str, set[str]]) -> None:
    offenders = {
        (source, target) for source, targets in edges.items() for target in targets
        if target in COMPOSITION and source not in COMPOSITION
    }
    assert offenders == set()


@pytest.mark.parametrize("layer", FOUNDATION)
def test_the_foundation_imports_only_what_lies_below_it(edges: dict[str, set[str]], layer: str) -> None:
    below = set(FOUNDATION[: FOUNDATION.index(layer)])
    assert edges.get(layer, set()) <= below


# --- queries on another domain's tables ----------------------------------------------------------------

SOURCE = Path(__file__).resolve().parent.parent / "src" / "engium"
# Calls that build or run a query on the classes given to them.
QUERY_CALLS = frozenset({
    "select", "update", "delete", "insert", "exists",  # statements
    "where", "filter", "filter_by", "join", "outerjoin", "order_by", "values",  # their clauses
    "get", "query",  # Session.get(Model, id), Session.query(Model)
})
# (module under src/engium, model class) pairs allowed to query another domain's table, with the reason.
CROSS_DOMAIN_QUERIES = {
    # The demo seeder writes a sample business's rows directly, bypassing the services, and records one
    # demo.seeded event for all of them (seed_demo); it reads back what it has just written.
    ("demo/seed.py", "TenantSettings"),
    ("demo/seed.py", "Message"),
}


def _foreign_models(tree: ast.Module, package: str) -> tuple[dict[str, str], set[str]]:
    """Names bound to another package's model classes, and names bound to another package's models module."""
    classes: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.module is None or not node.module.startswith("engium."):
            continue
        parts = node.module.split(".")
        if parts[1] == package:
            continue
        for alias in node.names:
            if parts[-1] == "models":
                classes[alias.asname or alias.name] = alias.name
            elif alias.name == "models":
                modules.add(alias.asname or alias.name)
    return classes, modules


def cross_domain_queries(module: str, source: str) -> set[tuple[str, str]]:
    """(module, model class) for each query ``module`` (a path under src/engium) builds on another package's
    model classes. Importing them for type hints, or handling rows that domain's service returned, is fine."""
    tree = ast.parse(source, module)
    classes, modules = _foreign_models(tree, module.split("/")[0].removesuffix(".py"))
    found: set[tuple[str, str]] = set()
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
        if name not in QUERY_CALLS:
            continue
        for argument in [*call.args, *(keyword.value for keyword in call.keywords)]:
            for node in ast.walk(argument):
                if isinstance(node, ast.Name) and node.id in classes:
                    found.add((module, classes[node.id]))
                elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                    found.add((module, node.attr))
    return found


def test_no_module_queries_another_domains_tables() -> None:
    """A domain reads and writes another domain's rows through that domain's service: its tables, their
    columns and their rules (reads under RLS, delivery states, read events) stay in one place. The
    retention purge and evidence/ (ADR 0022, 0027) go by table name in SQL, and name every table there."""
    found: set[tuple[str, str]] = set()
    for path in SOURCE.rglob("*.py"):
        module = path.relative_to(SOURCE).as_posix()
        if not module.startswith("migrations/"):
            found |= cross_domain_queries(module, path.read_text())
    assert found - CROSS_DOMAIN_QUERIES == set()
    assert CROSS_DOMAIN_QUERIES - found == set(), "an exception no longer needed: remove it"


def test_the_query_check_finds_queries_on_another_domains_models() -> None:
    source = (
        "from sqlalchemy import select\n"
        "from engium.channels.models import ChannelMessage\n"
        "from engium.conversations.models import Message, Contact\n"
        "from engium.tenancy import models as tenancy_models\n"
        "def read(session, message: Message, contact: Contact):\n"
        "    session.execute(select(ChannelMessage).where(ChannelMessage.id == message.id))\n"
        "    session.execute(select(Message.id))\n"
        "    session.get(tenancy_models.TenantSettings, 1)\n"
    )
    assert cross_domain_queries("channels/probe.py", source) == {
        ("channels/probe.py", "Message"),
        ("channels/probe.py", "TenantSettings"),
    }


# --- test modules ----------------------------------------------------------------------------------------

TESTS = Path(__file__).resolve().parent


def imported_test_modules(module: str, source: str) -> set[str]:
    """The test modules (``test_*``) that ``module`` (a path under tests/) imports."""
    package = module.split("/")[:-1]
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source, module)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            prefix = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [prefix, *(f"{prefix}.{alias.name}" for alias in node.names)]
        else:
            continue
        imported |= {name for name in names if name.rsplit(".", 1)[-1].startswith("test_")}
    return imported


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in fixtures (conftest.py) or helper modules: importing a test module runs its
    module-level code again and makes pytest collect nothing new, and moving a test then breaks another."""
    found = {
        (path.relative_to(TESTS).as_posix(), imported)
        for path in TESTS.rglob("*.py")
        for imported in imported_test_modules(path.relative_to(TESTS).as_posix(), path.read_text())
    }
    assert found == set()


def test_the_test_import_check_finds_imports_of_test_modules() -> None:
    source = (
        "from tests.channels.test_sender import reply\n"
        "from tests.channels import test_widget_endpoints\n"
        "from .test_keywords import CUSTOMER\n"
        "import tests.jobs.test_retries\n"
        "from tests.channels.outbound_replies import sending\n"
    )
    assert imported_test_modules("privacy/test_probe.py", source) == {
        "tests.channels.test_sender",
        "tests.channels.test_widget_endpoints",
        "privacy.test_keywords",
        "tests.jobs.test_retries",
    }
