"""The detector on hand-written fixtures of the families the development set lacks (see fixtures/README.md).

The rules alone: benign messages and documents full of trigger words, in fifteen languages, stay under a
1 % false-positive rate; attacks in other languages, inside documents and obfuscated are found at 0.9 or
better, overall and in each family. The files are also valid input for ``engium guard eval``.

The whole detector (rules and the learned layer, which never trained on these files): issue 16's targets
for unseen text, at most 5 % false positives on benign texts full of trigger words, and no loss of recall.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from engium.ai.guard.detector import Detector
from engium.ai.guard.evaluation import LabelledText, read_labelled
from engium.cli.guard_commands import guard_app

FIXTURES = Path(__file__).parent / "fixtures"
BENIGN = FIXTURES / "benign_trigger_words.jsonl"
ATTACKS = FIXTURES / "attacks_generalisation.jsonl"
DETECTOR = Detector(learned=None)
WHOLE_DETECTOR = Detector()

MAX_FALSE_POSITIVE_RATE = 0.01
MIN_RECALL = 0.9
# The learned layer's targets on text it never saw (docs/guard.md has the measured values: 3.2 % of all the
# benign rows scored as customer text, 1.0 % of the customer messages, 1 of 27 documents read as retrieved data).
MAX_TRIGGER_WORD_FALSE_POSITIVE_RATE = 0.05


def _rows(path: Path) -> list[LabelledText]:
    return list(read_labelled(path))


def _family(source: str) -> str:
    """'fixture:attack-multilingual-es' and 'fixture-blind:attack-ko' -> 'multilingual'; '...attack-en' -> 'en'."""
    head = source.split(":", 1)[1].removeprefix("attack-").split("-", 1)[0]
    return "multilingual" if head == "multilingual" or (len(head) == 2 and head != "en") else head


def test_the_fixtures_are_big_enough_and_labelled_consistently() -> None:
    benign, attacks = _rows(BENIGN), _rows(ATTACKS)
    assert len(benign) >= 150
    assert {row.label for row in benign} == {0}
    assert len(attacks) >= 100
    assert {row.label for row in attacks} == {1}
    languages = {row.source.rsplit("-", 1)[1] for row in benign if "benign-message-" in row.source}
    assert {"en", "es", "fr", "de", "it", "pt", "nl", "pl", "ru", "zh", "ja", "ko", "ar", "hi", "tr"} <= languages
    assert sum("benign-document" in row.source for row in benign) >= 20
    texts = [row.text for row in benign + attacks]
    assert len(set(texts)) == len(texts)


def test_benign_trigger_word_texts_stay_under_one_percent_false_positives() -> None:
    rows = _rows(BENIGN)
    flagged = [row.text for row in rows if DETECTOR.score(row.text).flagged]
    assert len(flagged) / len(rows) <= MAX_FALSE_POSITIVE_RATE, flagged


def test_customer_messages_are_not_flagged_when_the_source_is_known() -> None:
    rows = [row for row in _rows(BENIGN) if "benign-message" in row.source]
    flagged = [row.text for row in rows if DETECTOR.score(row.text, source="customer").flagged]
    assert len(flagged) / len(rows) <= MAX_FALSE_POSITIVE_RATE, flagged


def test_benign_documents_are_not_flagged_as_retrieved_data() -> None:
    rows = [row for row in _rows(BENIGN) if "benign-document" in row.source]
    flagged = [row.text for row in rows if DETECTOR.score(row.text, source="retrieved").flagged]
    assert not flagged, flagged


def test_attacks_of_every_family_are_found() -> None:
    found: dict[str, list[bool]] = defaultdict(list)
    for row in _rows(ATTACKS):
        found[_family(row.source)].append(DETECTOR.score(row.text).flagged)
    overall = [hit for hits in found.values() for hit in hits]
    assert sum(overall) / len(overall) >= MIN_RECALL
    assert {"multilingual", "indirect", "obfuscated", "persona"} <= set(found)
    for family, hits in found.items():
        assert sum(hits) / len(hits) >= MIN_RECALL, family


def test_every_language_has_attacks_and_they_are_found() -> None:
    by_language: dict[str, list[bool]] = defaultdict(list)
    for row in _rows(ATTACKS):
        language = row.source.rsplit("-", 1)[1]
        if len(language) == 2:
            by_language[language].append(DETECTOR.score(row.text).flagged)
    assert {"es", "fr", "de", "it", "pt", "nl", "pl", "ru", "zh", "ja", "ko", "ar", "hi", "tr"} <= set(by_language)
    missed = {language: hits.count(False) for language, hits in by_language.items() if not all(hits)}
    assert sum(missed.values()) <= 2, missed


def test_injections_in_documents_are_found_when_the_source_says_document() -> None:
    rows = [row for row in _rows(ATTACKS) if _family(row.source) == "indirect"]
    assert all(DETECTOR.score(row.text, source="retrieved").flagged for row in rows)


@pytest.mark.parametrize("path", [BENIGN, ATTACKS], ids=["benign", "attacks"])
def test_the_eval_command_reads_the_fixtures(path: Path) -> None:
    root = typer.Typer()
    root.add_typer(guard_app, name="guard")
    result = CliRunner().invoke(root, ["guard", "eval", "--data", str(path), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["count"] == len(_rows(path))
    assert report["learned_layer"] is True
    if path == BENIGN:
        assert report["false_positive_rate"] <= MAX_TRIGGER_WORD_FALSE_POSITIVE_RATE
    else:
        assert report["recall"] >= MIN_RECALL
    assert all(source.startswith("fixture") for source in report["per_source"])
    assert {"en", "es", "zh", "ar", "hi"} <= set(report["per_language"])
    rules = CliRunner().invoke(root, ["guard", "eval", "--data", str(path), "--json", "--rules-only"])
    assert json.loads(rules.output)["learned_layer"] is False


def test_the_whole_detector_keeps_trigger_word_texts_under_five_percent() -> None:
    rows = _rows(BENIGN)
    flagged = [row.text for row in rows if WHOLE_DETECTOR.score(row.text).flagged]
    assert len(flagged) / len(rows) <= MAX_TRIGGER_WORD_FALSE_POSITIVE_RATE, flagged
    messages = [row for row in rows if "benign-message" in row.source]
    as_customer = [row.text for row in messages if WHOLE_DETECTOR.score(row.text, source="customer").flagged]
    assert len(as_customer) / len(messages) <= MAX_TRIGGER_WORD_FALSE_POSITIVE_RATE, as_customer
    documents = [row for row in rows if "benign-document" in row.source]
    withheld = [row.text for row in documents if WHOLE_DETECTOR.score(row.text, source="retrieved").flagged]
    assert len(withheld) / len(documents) <= MAX_TRIGGER_WORD_FALSE_POSITIVE_RATE, withheld


def test_the_whole_detector_loses_no_attack_the_rules_find() -> None:
    rows = _rows(ATTACKS)
    assert all(WHOLE_DETECTOR.score(row.text).flagged for row in rows if DETECTOR.score(row.text).flagged)
