"""docs/personal-data.md, written from the personal-data map: every place personal data lives, whose it
is, how one customer's rows are reached, what their erasure does, and what removes rows in the end.

``python -m engium.privacy.data_map_document > docs/personal-data.md`` rewrites it; a test fails when the
file and the map disagree, so the document cannot drift from the code that export and erasure walk.
"""

from __future__ import annotations

from engium.privacy.data_map import STORES, Store

HEADER = """# Where personal data lives

Generated from `src/engium/privacy/data_map.py` by `python -m engium.privacy.data_map_document`; a test
keeps the two equal. Export and erasure of a customer walk exactly these stores (docs/privacy.md). Tables
that hold no personal data are listed last. `audit_months` removes whole months of the audit log only once
they are sealed and exported; the removal is recorded in `audit_pruned_ranges` (docs/audit.md, ADR 0030).

| Table | Personal columns (category, whose) | One customer's rows | Erasure | Removed in the end by |
|---|---|---|---|---|
"""


def _row(store: Store) -> str:
    personal = "<br>".join(f"`{f.column}` ({f.category.value}, {f.subject.value})" for f in store.personal) or "none"
    erasure = store.erasure.value.replace("_", " ")
    return f"| `{store.table}` | {personal} | {store.reached_by} | {erasure} | {store.retention} |\n"


def render() -> str:
    ordered = sorted(STORES, key=lambda s: (not s.personal, s.table))
    return HEADER + "".join(_row(store) for store in ordered)


if __name__ == "__main__":
    print(render(), end="")
