"""The hand-written training texts (data/guard/written/*.json, composed by tools/guard_training/compose_written.py).

They are training data of the learned layer, so none of them may be a text the tests score; the composed
corpus file must be what the composer writes (a fixed seed); and each later batch ("batch": "c", "d") is a
hold-out group of its own, so that leave-one-source-out scores each batch with a layer trained on the others.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engium.ai.guard.text_features import normalised
from engium.ai.guard.training_corpus import group_of

ROOT = Path(__file__).resolve().parents[3]
WRITTEN = ROOT / "data" / "guard" / "written"
COMPOSED = ROOT / "data" / "guard" / "corpus" / "engium-written.jsonl"
FIXTURES = sorted((ROOT / "tests" / "ai" / "guard" / "fixtures").glob("*.jsonl"))
LANGUAGES = {"en", "es", "fr", "de", "it", "pt", "nl", "pl", "ru", "zh", "ja", "ko", "ar", "hi", "tr"}
BATCH_C = sorted(WRITTEN.glob("*-c.json"))
BATCH_D = sorted(WRITTEN.glob("*-d.json"))
# Batch d adds languages the sentence encoder was not trained on (ADR 0052): at least this many.
NEW_LANGUAGES_AT_LEAST = 20


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def _texts(data: dict[str, Any]) -> list[str]:
    return [*data["requests"], *data["trigger_benign"], *(item["text"] for item in data["injections"]),
            *(item["text"] for item in data["documents"]), *data["hidden_orders"]]


def _phrases(text: str, words: int = 8) -> set[str]:
    tokens = normalised(text).split()
    return {" ".join(tokens[i:i + words]) for i in range(len(tokens) - words + 1)}


def test_the_committed_corpus_is_what_the_composer_writes() -> None:
    composed = subprocess.run([sys.executable, str(ROOT / "tools" / "guard_training" / "compose_written.py")],
                              capture_output=True, text=True, encoding="utf-8", check=True).stdout
    assert composed == COMPOSED.read_text(encoding="utf-8")


def test_no_written_row_is_a_text_the_tests_score() -> None:
    scored = {normalised(str(row["text"])) for path in FIXTURES for row in _jsonl(path)}
    assert scored
    leaked = [row["text"] for row in _jsonl(COMPOSED) if normalised(str(row["text"])) in scored]
    assert leaked == []


def test_the_later_batches_share_no_eight_word_phrase_with_the_fixtures() -> None:
    fixture_phrases = set().union(*(_phrases(str(row["text"])) for path in FIXTURES for row in _jsonl(path)))
    shared = [text for path in [*BATCH_C, *BATCH_D] for text in _texts(json.loads(path.read_text(encoding="utf-8")))
              if _phrases(text) & fixture_phrases]
    assert shared == []


def test_the_second_batch_covers_every_language_in_the_weak_styles() -> None:
    assert {json.loads(path.read_text(encoding="utf-8"))["lang"] for path in BATCH_C} == LANGUAGES
    for path in BATCH_C:
        data = json.loads(path.read_text(encoding="utf-8"))
        styles = [item["style"] for item in data["injections"]]
        assert styles.count("game") >= 18, path.name
        assert len(styles) - styles.count("game") >= 18, path.name  # one-line asks and overrides
        assert len(data["hidden_orders"]) >= 10, path.name
        assert len(data["trigger_benign"]) >= 25, path.name  # hard negatives that look like the attacks
        assert len(data["documents"]) >= 2, path.name  # each hidden order goes into two of them


def test_the_third_batch_adds_new_languages_with_benign_text_in_each() -> None:
    batch = [json.loads(path.read_text(encoding="utf-8")) for path in BATCH_D]
    languages = {data["lang"] for data in batch}
    assert LANGUAGES - {"en"} <= languages  # the classic overrides as machine translation renders them
    assert len(languages - LANGUAGES) >= NEW_LANGUAGES_AT_LEAST
    for data in batch:
        # Without benign text in a language, "written in it" would itself read as an attack.
        assert len(data["requests"]) + len(data["trigger_benign"]) >= 15, data["lang"]
        assert len(data["injections"]) >= 20, data["lang"]
        assert len(data["hidden_orders"]) >= 3, data["lang"]
        assert len(data["documents"]) >= 2, data["lang"]


@pytest.mark.parametrize("style", ["customer", "trigger-words", "direct", "game", "documents"])
def test_each_batch_is_a_hold_out_group_of_its_own(style: str) -> None:
    groups = {group_of(str(row["source"])) for row in _jsonl(COMPOSED) if str(row["source"]).endswith(f":{style}")}
    assert groups == {f"engium-written:{style}", f"engium-written-c:{style}", f"engium-written-d:{style}"}
