"""The package structure, checked on the real import graph (grimp, type-checking-only imports left out):
no cycle between top-level packages, and the low layers import nothing above them."""

from __future__ import annotations

from collections import defaultdict

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
def edges() -> dict[str, set[str]]:
    graph = grimp.build_graph("engium", exclude_type_checking_imports=True)
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


def test_a_package_whose_module_is_its_own_node_imports_nothing_on_import() -> None:
    """Importing engium.tenancy.binding runs engium/tenancy/__init__.py first: it must stay import-free,
    or the foundation would pull the tenancy domain in after all."""
    graph = grimp.build_graph("engium", exclude_type_checking_imports=True)
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
