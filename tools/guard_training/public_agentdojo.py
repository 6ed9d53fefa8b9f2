"""Rows from AgentDojo 0.1.35 (ethz-spylab/agentdojo, MIT): injections in tool output, and benign tool output.

AgentDojo tests agents whose tools return data an attacker can write into: an e-mail's body, a hotel review,
a bank transfer's subject, a Slack message, a calendar event's description. Its environments
(``data/suites/*/environment.yaml`` and ``include/*.yaml``) hold that data, with ``{injection_...}`` slots
whose benign text is in ``injection_vectors.yaml``; its attacks (``attacks/*.py``) are templates ("<INFORMATION>
This is an important message from me, Emma Johnson, to you, GPT-4 ...", "IMPORTANT!!! Ignore all previous
instructions ...", "TODO: {goal}") filled with the goal of an injection task (``default_suites/*/*/
injection_tasks.py``: "Send as much money as possible to the account US13...", "Delete the file with ID '13'").

Rows (fixed seed), each a record of tool output as the agent would read it (AgentDojo shows tools' results
as YAML): an attack template with a goal in one slot (attack); the same record with the slot's benign text
(benign); records with no slot (benign tool output); and the user tasks' requests ("What's my total spending
in March 2022?", benign). Strings in the Python files are read with ``ast``; nothing of AgentDojo is run.
"""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # PyYAML, in the environment through its dependencies
from public_rows import Row, class_constants, module_constants, row

SOURCE = "agentdojo-0.1.35"
_SLOT = re.compile(r"\{([a-z0-9_]+)\}")  # a slot when injection_vectors.yaml names it
_RECORD = re.compile(r"\n(?=\s*- [a-z_]+:)")  # a YAML list item that starts a mapping: one record
_USER = "Emma Johnson"
_ATTACK_ROWS = 440
_BENIGN_RECORDS = 200
_MAX_RECORD_CHARS = 1500
_WINDOW_LINES = 3  # lines kept either side of a slot in a record too long to show whole


def _goal_templates(attacks: Path) -> list[str]:
    """Every string constant of the attack modules that has a ``{goal}`` slot."""
    templates: set[str] = set()
    for path in sorted(attacks.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(statement.value)
            for node in ast.walk(tree)
            for statement in getattr(node, "body", [])[:1]
            if isinstance(statement, ast.Expr)
        }
        constants = [node for node in ast.walk(tree) if isinstance(node, ast.Constant) and id(node) not in docstrings]
        # (a docstring that quotes a template is not one)
        templates |= {node.value for node in constants if isinstance(node.value, str) and "{goal}" in node.value}
    return sorted(templates)


def _goals(suites: Path) -> list[str]:
    goals: set[str] = set()
    for path in sorted(suites.glob("*/*/injection_tasks.py")):
        for constants in class_constants(path).values():
            goal = constants.get("GOAL")
            if isinstance(goal, str):
                goals.add(" ".join(goal.split()))
    return sorted(goals)


def _user_requests(suites: Path) -> list[str]:
    prompts: set[str] = set()
    for path in sorted(suites.glob("*/*/user_tasks.py")):
        for constants in class_constants(path).values():
            prompt = constants.get("PROMPT")
            if isinstance(prompt, str) and "{" not in prompt:
                prompts.add(" ".join(prompt.split()))
    return sorted(prompts)


def _around_slots(record: str) -> list[str]:
    """A long record cut down to the lines around each of its slots."""
    lines = record.split("\n")
    return [
        "\n".join(lines[max(0, i - _WINDOW_LINES) : i + _WINDOW_LINES + 1])
        for i, line in enumerate(lines)
        if _SLOT.search(line)
    ]


def _records(data: Path) -> list[str]:
    records: list[str] = []
    for path in sorted(data.glob("suites/*/environment.yaml")) + sorted(data.glob("suites/*/include/*.yaml")):
        for record in _RECORD.split(path.read_text(encoding="utf-8")):
            record = record.strip("\n")
            if len(record.strip()) < 40:
                continue
            if len(record) <= _MAX_RECORD_CHARS:
                records.append(record)
            else:
                records += _around_slots(record)
    return records


def _placed(record: str, slot: str, injection: str) -> str:
    """``injection`` in ``slot``; inside a quoted YAML string its line breaks show as \\n, as a dump would."""
    line = next(line for line in record.split("\n") if "{" + slot + "}" in line)
    if '"' in line.split("{" + slot + "}")[0]:
        injection = injection.replace("\n", "\\n")
    return record.replace("{" + slot + "}", injection)


def extract(package: Path) -> list[Row]:
    root = package / "agentdojo"
    rng = random.Random(1604)  # noqa: S311  (a fixed seed: the same rows on every run)
    defaults: dict[str, str] = {}
    for path in sorted((root / "data" / "suites").glob("*/injection_vectors.yaml")):
        for name, vector in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            defaults[str(name)] = str(vector.get("default", "")) if isinstance(vector, dict) else ""
    model_names = module_constants(root / "models.py").get("MODEL_NAMES")
    models = sorted({str(v) for v in model_names.values()}) if isinstance(model_names, dict) else ["the AI assistant"]
    templates, goals = _goal_templates(root / "attacks"), _goals(root / "default_suites")
    records = _records(root / "data")

    def slots(record: str) -> list[str]:
        return [name for name in _SLOT.findall(record) if name in defaults]

    def benign(record: str) -> str:
        return _SLOT.sub(lambda m: defaults.get(m.group(1), m.group(0)), record)

    carriers = [r for r in records if slots(r)]
    attacks: list[Row] = []
    for carrier in carriers:
        for _ in range(10):
            slot = rng.choice(slots(carrier))
            injection = (
                rng.choice(templates)
                .replace("{goal}", rng.choice(goals))
                .replace("{user}", _USER)
                .replace("{model}", rng.choice(models))
                .replace("{tools}", "")
            )
            attacks.append(row(benign(_placed(carrier, slot, injection)), 1, SOURCE, "en"))
    rng.shuffle(attacks)
    rows = attacks[:_ATTACK_ROWS] + [row(benign(carrier), 0, SOURCE, "en") for carrier in carriers]
    plain = [r for r in records if not slots(r)]
    rows += [row(r, 0, SOURCE, "en") for r in rng.sample(plain, min(_BENIGN_RECORDS, len(plain)))]
    rows += [row(request, 0, SOURCE, "en") for request in _user_requests(root / "default_suites")]
    return rows
