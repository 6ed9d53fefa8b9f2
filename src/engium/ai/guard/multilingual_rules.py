"""Every rule for attacks in languages other than English: the core shapes
(:mod:`~engium.ai.guard.multilingual_core_rules`) and the families they leave out
(:mod:`~engium.ai.guard.multilingual_further_rules`), each Latin-script rule tied to its language."""

from __future__ import annotations

from dataclasses import replace

from engium.ai.guard.multilingual_core_rules import CORE_RULES
from engium.ai.guard.multilingual_further_rules import FURTHER_RULES
from engium.ai.guard.rule_model import Rule

_LATIN_LANGUAGES = frozenset({"es", "fr", "de", "it", "pt", "nl", "pl", "tr", "vi", "id"})


def _with_language(r: Rule) -> Rule:
    """Latin-script rules run only on texts with words of their language (``rule_model.languages_in``)."""
    if r.script != "latin":
        return r
    prefix = r.name.split("_", 1)[0]
    return replace(r, lang=prefix if prefix in _LATIN_LANGUAGES else "other")


RULES: tuple[Rule, ...] = tuple(_with_language(r) for r in CORE_RULES + FURTHER_RULES)
