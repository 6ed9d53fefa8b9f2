"""Rows from two small packages: garak-multilingual 0.1.0 and agent-injection-bench 0.1.0.

* garak-multilingual (Apache-2.0): ``garak_multilingual/payloads.py``, injection and jailbreak payloads
  written in Turkish (overrides, system-prompt extraction, DAN personas, and English injections with the
  Turkish dotted capital I that defeats case-insensitive matching) and in German, Spanish, Russian, Arabic,
  Chinese, French and Persian. Read with ``ast`` (its lists use a canary constant in f-strings); all attacks.
* agent-injection-bench (MIT): ``aib/data/attacks.jsonl``, 24 injections placed in a document, a web page,
  tool output, a file name or metadata (overrides, forged delimiters and chat-template turns, claimed
  developer authority, exfiltration) as ``injected``; the user's task beside each ("Summarise this contract.")
  is a benign request. Its ``control`` family is benign on purpose (an article *about* prompt injection, a
  runbook that says "ignore stale cache warnings", a plain list): the bench checks the agent still does the
  task, so those are benign rows here.
"""

from __future__ import annotations

from pathlib import Path

from public_rows import Row, module_constants, read_jsonl, row

GARAK_MULTILINGUAL_SOURCE = "garak-multilingual-0.1.0"
AGENT_INJECTION_BENCH_SOURCE = "agent-injection-bench-0.1.0"
# The casefold set mixes English trigger words written with Turkish capitals ("İGNORE") into Turkish text.
_TURKISH_SETS = ("TURKISH_INJECTION", "TURKISH_JAILBREAK", "TURKISH_CASEFOLD_EVASION")


def extract_garak_multilingual(package: Path) -> list[Row]:
    constants = module_constants(package / "garak_multilingual" / "payloads.py")
    rows: list[Row] = []
    for name in ("TURKISH_INJECTION", "TURKISH_JAILBREAK", "TURKISH_CASEFOLD_EVASION", "MULTILINGUAL_INJECTION"):
        payloads = constants.get(name)
        if not isinstance(payloads, list):
            raise ValueError(f"garak-multilingual: {name} is not a list of payloads")
        for payload in payloads:
            if not isinstance(payload, dict):
                continue
            lang = str(payload.get("lang") or ("tr" if name in _TURKISH_SETS else "en"))
            rows.append(row(str(payload["prompt"]), 1, GARAK_MULTILINGUAL_SOURCE, lang))
    return rows


def extract_agent_injection_bench(package: Path) -> list[Row]:
    rows: list[Row] = []
    for attack in read_jsonl(package / "aib" / "data" / "attacks.jsonl"):
        injected = attack.get("injected")
        if isinstance(injected, str) and injected.strip():
            label = 0 if attack.get("family") == "control" else 1
            rows.append(row(injected, label, AGENT_INJECTION_BENCH_SOURCE, "en"))
        task = attack.get("task")
        if isinstance(task, str) and task.strip():
            rows.append(row(task, 0, AGENT_INJECTION_BENCH_SOURCE, "en"))
    return rows
