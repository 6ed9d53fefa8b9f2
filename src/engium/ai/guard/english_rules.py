"""English rules for known attack shapes, matched against the folded, lower-cased view of a text.

Written from the published attack taxonomies (OWASP LLM01, Greshake et al. 2023 on indirect injection,
Shen et al. 2024 on in-the-wild jailbreaks, Microsoft BIPIA) and from the *families* seen in the
development set's misses — never its sentences or phrases (ADR 0012). Each rule
names a *shape* ("a verb of disregarding, then earlier-instruction words"), never one sentence, and the
benign near-misses a front desk sees ("ignore my last message", "forget it, just book 3pm", "what
system do you use?") are in the tests as specifications of what must not match.
"""

from __future__ import annotations

from engium.ai.guard.english_indirect_rules import INDIRECT_RULES
from engium.ai.guard.english_override_rules import OVERRIDE_RULES
from engium.ai.guard.english_persona_rules import PERSONA_RULES
from engium.ai.guard.rule_model import Family, Rule, Scope, rule

F = Family

RULES: tuple[Rule, ...] = (*OVERRIDE_RULES, *PERSONA_RULES, *INDIRECT_RULES)
# Run only inside "words run together" tokens (28+ letters without a space): the same ideas, unspaced.
COMPACT_RULES: tuple[Rule, ...] = (
    rule("glued_override", F.INSTRUCTION_OVERRIDE, 5.0,
         r"(?:ignore|disregard|forget|bypass|override)(?:all|the|your|any|of)*(?:previous|prior|above|earlier|initial|"
         r"original|system)(?:instructions?|prompts?|rules|directives|guidelines)"),
    rule("glued_extraction", F.PROMPT_EXTRACTION, 4.5,
         r"(?:repeat|print|show|reveal|display|output|tell|give)(?:me)?(?:your|the)(?:system|initial|original|hidden|"
         r"full)?(?:prompt|instructions)"),
    rule("glued_reply_manipulation", F.INDIRECT, 2.5,
         r"(?:in|to|into|from|of|with)your(?:reply|response|answer|output|message|summary)"),
    rule("glued_task", F.INDIRECT, 2.5,
         r"^(?:explain|describe|write|compose|draft|develop|provide|translate|summari[sz]e|whatis|whatare|howdo|"
         r"howdoes|whowrote|whois)", scope=Scope.DOCUMENT),
)
