"""Rows from PyRIT 1.1.0's jailbreak templates (Azure/PyRIT, MIT), two sources.

``pyrit/datasets/jailbreak/templates/*.yaml`` are persona and framing jailbreaks (AIM, DAN, developer mode,
"refusal suppression", "prefix injection" ...), most collected from jailbreakchat, each with a ``{{ prompt }}``
slot for the request it wraps. ``templates/in_the_wild/*.yaml`` are 488 jailbreak prompts collected from
Discord, Reddit and prompt sites by TrustAIRLab ("Do Anything Now", Shen et al., CCS 2024; data set MIT).

The slot is filled with a front-desk goal (``FRONT_DESK_GOALS``) rather than the harmful question PyRIT
would put there, so every row is an order to the assistant. Left out: ``pliny/`` (no source or licence in
the files; the collection it comes from is AGPL-3.0), ``Arth_Singh/`` (no licence recorded),
``multi_parameter/`` and the DecodingTrust stereotype templates (``dt_*``: bias tests, not injections).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # PyYAML, in the environment through its dependencies
from public_rows import FRONT_DESK_GOALS, Row, row

TEMPLATES_SOURCE = "pyrit-1.1.0:jailbreak-templates"
IN_THE_WILD_SOURCE = "pyrit-1.1.0:in-the-wild"
_SLOT = re.compile(r"\{\{\s*prompt\s*\}\}")
_GOALS_PER_TEMPLATE = 3
_JINJA_RAW = re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}")  # PyRIT's template markers, not the prompt's text


def _value(path: Path) -> str | None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    value = document.get("value") if isinstance(document, dict) else None
    if not isinstance(value, str):
        return None
    value = _JINJA_RAW.sub("", value)
    return value if value.strip() else None


def _filled(template: str, goal: str) -> str:
    if _SLOT.search(template):
        return _SLOT.sub(lambda _: goal[0].upper() + goal[1:] + ".", template)
    return f"{template.rstrip()}\n\n{goal[0].upper()}{goal[1:]}."


def extract_templates(package: Path) -> list[Row]:
    folder = package / "pyrit" / "datasets" / "jailbreak" / "templates"
    rng = random.Random(1602)  # noqa: S311  (a fixed seed: the same rows on every run)
    rows: list[Row] = []
    for path in sorted(folder.glob("*.yaml")):
        template = _value(path)
        if template is None or path.stem.startswith("dt_"):
            continue
        for goal in rng.sample(FRONT_DESK_GOALS, _GOALS_PER_TEMPLATE):
            rows.append(row(_filled(template, goal), 1, TEMPLATES_SOURCE, "en"))
    return rows


def extract_in_the_wild(package: Path) -> list[Row]:
    folder = package / "pyrit" / "datasets" / "jailbreak" / "templates" / "in_the_wild"
    rng = random.Random(1603)  # noqa: S311
    rows: list[Row] = []
    for path in sorted(folder.glob("*.yaml")):
        template = _value(path)
        if template is not None:
            rows.append(row(_filled(template, rng.choice(FRONT_DESK_GOALS)), 1, IN_THE_WILD_SOURCE, "en"))
    return rows
