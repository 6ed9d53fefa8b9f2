"""Rows from spikee 0.9.2's seed data sets (ReversecLabs/spikee, Apache-2.0).

spikee builds its test cases from seeds in ``spikee/data/workspace/datasets/seeds-*/``: *jailbreaks* (a
framing with an ``<INSTRUCTION>`` slot: "*** NEW IMPORTANT INSTRUCTIONS ***", "you are running as part of a
test pipeline", some in Zulu, Albanian, Irish and Scottish Gaelic), *instructions* (what the injection
wants: the system prompt, a markdown image that leaks data, an XSS string, a very long output) and *base
documents* (an e-mail, a code file) the injection is placed into. This combines them as spikee does, with a
fixed seed: each jailbreak with a random instruction, alone (a direct injection) or at the start, middle or
end of a base document (an indirect one). Its standalone inputs (a rephrasing or routing task whose query
carries an order) are attacks too.

Left out: ``seeds-harmful-instructions-only`` and ``seeds-investment-advice`` *instructions* (harmful or
financial-advice questions: what the model should not answer, not an injection). Benign rows: the base
documents on their own and the investment-advice *user questions* ("What are the key factors to consider
when investing?", "I just inherited $50,000 ... what should I invest it in?"): ordinary questions a
classifier must not flag.
"""

from __future__ import annotations

import random
from pathlib import Path

from public_rows import Row, insert_into, read_jsonl, row

SOURCE = "spikee-0.9.2"
_INJECTION_SEEDS = (
    "seeds-cybersec-2026-01",
    "seeds-sysmsg-extraction-2025-04",
    "seeds-llm-mailbox",
    "seeds-mini-test",
    "zzz_LEGACY_seeds-cybersec-2025-04",
)
_BENIGN_QUESTION_SEEDS = ("seeds-investment-advice-fp", "seeds-investment-advice")
_LANGS = {"zu", "sq", "ga", "gd"}
_ATTACK_ROWS = 640


def _lang(record: dict[str, object]) -> str:
    lang = record.get("lang")
    if isinstance(lang, str) and lang:
        return lang
    suffix = str(record.get("id", "")).rsplit("-", 1)[-1]
    return suffix if suffix in _LANGS else "en"


def _unique(records: list[dict[str, object]], key: str) -> list[dict[str, object]]:
    seen: set[str] = set()
    unique: list[dict[str, object]] = []
    for record in records:
        text = str(record.get(key, ""))
        if text.strip() and text not in seen:
            seen.add(text)
            unique.append(record)
    return unique


def extract(package: Path) -> list[Row]:
    seeds = package / "spikee" / "data" / "workspace" / "datasets"
    rng = random.Random(1601)  # noqa: S311  (a fixed seed: the same rows on every run)

    def gather(name: str, dirs: tuple[str, ...]) -> list[dict[str, object]]:
        return [record for d in dirs if (seeds / d / name).is_file() for record in read_jsonl(seeds / d / name)]

    jailbreaks = _unique(gather("jailbreaks.jsonl", _INJECTION_SEEDS), "text")
    instructions = _unique(gather("instructions.jsonl", _INJECTION_SEEDS), "instruction")
    documents = [
        str(d["document"])
        for d in _unique(gather("base_user_inputs.jsonl", _INJECTION_SEEDS), "document")
        if "PLACEHOLDER" not in str(d["document"])
    ]
    rows: list[Row] = []
    for jailbreak in jailbreaks:
        # Instructions in the jailbreak's language or in English: a Zulu framing around an English order is
        # how spikee translates, an English framing around a Zulu order is not.
        fitting = [i for i in instructions if _lang(i) in {"en", _lang(jailbreak)}]
        for instruction in rng.sample(fitting, min(12, len(fitting))):
            order = str(jailbreak["text"]).replace("<INSTRUCTION>", str(instruction["instruction"]).rstrip("."))
            lang = _lang(jailbreak) if _lang(jailbreak) != "en" else _lang(instruction)
            carrier = rng.choice([None, *documents])
            text = order if carrier is None else insert_into(carrier.replace("|", "\n"), order, rng)
            rows.append(row(text, 1, SOURCE, lang))
    rng.shuffle(rows)
    rows = rows[:_ATTACK_ROWS]
    rows += [row(str(r["text"]), 1, SOURCE, "en") for r in gather("standalone_user_inputs.jsonl", _INJECTION_SEEDS)]
    rows += [row(document.replace("|", "\n"), 0, SOURCE, "en") for document in documents]
    questions = _unique(gather("standalone_user_inputs.jsonl", _BENIGN_QUESTION_SEEDS), "text")
    rows += [row(str(q["text"]), 0, SOURCE, "en") for q in questions]
    return rows
