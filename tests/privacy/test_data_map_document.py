"""docs/personal-data.md is the personal-data map, written out: it cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from engium.privacy.data_map import STORES
from engium.privacy.data_map_document import render

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "personal-data.md"


def test_the_document_is_the_map() -> None:
    assert DOCUMENT.read_text() == render(), (
        "docs/personal-data.md is out of date: python -m engium.privacy.data_map_document > docs/personal-data.md")


def test_every_store_and_personal_column_is_listed() -> None:
    text = DOCUMENT.read_text()
    for store in STORES:
        assert f"| `{store.table}` |" in text
        for field in store.personal:
            assert f"`{field.column}` ({field.category.value}, {field.subject.value})" in text
