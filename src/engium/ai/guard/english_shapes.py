"""The word shapes the English rules are built from (verbs of disregarding, "earlier instructions", the
first person a customer correcting themselves uses, ...), shared by the rule modules."""

# ruff: noqa: RUF001  (look-alike and invisible characters are this module's subject)

from __future__ import annotations

GAP = r"(?:[\w'’-]+\s+){0,4}?"  # up to four intervening words, lazily
SHORT_GAP = r"(?:[\w'’-]+\s+){0,2}?"

DISREGARD = (
    r"(?:ignore|ignoring|disregard|disregarding|forget|forgetting|overlook|bypass|override|overwrite|discard|dismiss|"
    r"neglect|set aside|put aside|throw out|throw away|do not follow|don't follow|dont follow|stop following|"
    r"no longer (?:follow|obey|adhere to)|do not obey|don't obey|pay no attention to)"
)
DISREGARD_NEEDLES = (
    "ignor", "disregard", "forget", "overlook", "bypass", "overrid", "overwrit", "discard", "dismiss", "neglect",
    "aside", "throw", "follow", "obey", "attention",
)
EARLIER = (
    r"(?:previous|previously given|prior|preceding|above|earlier|initial|original|foregoing|old|former|existing|"
    r"current|given|default|pre-?set|predefined|pre-?programmed|system|developer|safety|ethical|all(?: of)?(?: the|"
    r" your| my)?|every|any|your|these|those|the above)"
)
INSTRUCTIONS = (
    r"(?:instructions?|prompts?|directives?|guidelines?|rules|commands?|constraints|programming|guardrails?|"
    r"restrictions|polic(?:y|ies)|directions|training|system messages?|context|safeguards|filters?|configuration|"
    r"protocols?|parameters|limitations|boundaries|ethics|morals|principles|direction)"
)
# Words that may stand between "previous" and "instructions" in an override ("your previous system
# instructions"). Any other word names what the instructions are about ("the old delivery instructions",
# "the previous aftercare instructions"): a customer updating an errand, not an attack.
QUALIFIER = (
    r"(?:(?:system|safety|ethical|moral|content|programmed|built-in|hidden|secret|initial|original|previous|prior|"
    r"above|earlier|given|default|core|base|existing|other|openai|developer|operator|company|ai|chatgpt|assistant|"
    r"bot|model|prompt|and|or|of|the|your|its|all|these|those|set|specific)\s+){0,2}?"
)
# A clause that forbids or reports the act: "never share other customers' details" (a staff handbook),
# "do not send passwords in the chat" (terms of use). "Why don't you ignore ..." still counts.
NEGATED = (
    r"\b(?:never|not|don't|dont|do not|must not|mustn't|should not|shouldn't|cannot|can't|won't|will not|"
    r"no one|nobody|avoid|prohibited|forbidden)\b(?!\s+you\b)"
)
# "No limits on budget", "no restrictions on parking": limits on a thing, not on what the assistant says.
CONCRETE_LIMIT = (
    r"(?!\s+(?:on|for|in|at|to|of|with)\s+(?!(?:what|how|anything|everything|all|your|you|the (?:ai|assistant|bot|"
    r"model|user|answers?|responses?|output|content|topics?|questions?))\b))"
)
REPORTED = (
    NEGATED + r"|\b(?:if|when|whenever)\s+(?:someone|anyone|somebody|a (?:message|caller|customer|person|stranger)|"
    r"you (?:receive|get))\b|\b(?:asking|asks|asked) (?:you|for|staff|us)\b|\b(?:phishing|scam|scammers?|fraudsters?|"
    r"criminals?|attackers?)\b"
)
REVEAL = (
    r"(?:repeat|print|show|reveal|display|output|dump|leak|recite|write out|spell out|copy|echo|type out|list|tell me|"
    r"give me|share|disclose|expose|paste|return|translate|summari[sz]e|paraphrase|encode|rewrite|read back|read out|"
    r"provide|what(?:'s| is| are| were| was))"
)
SYSTEM_PROMPT = (
    r"(?:system\s*prompt|system\s*message|system\s*instructions?|initial\s+(?:prompt|instructions?)|"
    r"original\s+(?:prompt|instructions?)|hidden\s+(?:prompt|instructions?|rules)|secret\s+(?:prompt|instructions?)|"
    r"internal\s+(?:prompt|instructions?|guidelines)|pre-?prompt|meta-?prompt|developer\s+(?:message|prompt|"
    r"instructions?)|(?:full|entire|exact|complete)\s+(?:prompt|instructions?)|system\s*(?:configuration|config))"
)
AI = (
    r"(?:ai|a\.i\.|assistants?|chat ?bots?|bots?|language models?|llms?|gpt|chatgpt|claude|gemini|copilot|"
    r"ai (?:assistants?|agents?|models?|systems?|tools?)|agents?|summari[sz]ers?|crawlers?|models?)"
)
# Nouns that can only mean an AI. "Assistant", "agent" and "model" also mean people and products (a
# travel agent, a car model), so rules that use them ask for more: a colon after them, or "reading this".
AI_STRICT = (
    r"(?:ai|a\.i\.|llms?|gpts?|chat ?gpt|claude|gemini|copilot|chat ?bots?|bots?|language models?|ai (?:assistants?|"
    r"agents?|models?|systems?|tools?|crawlers?|readers?|summari[sz]ers?|screeners?)|crawlers?|summari[sz]ers?|"
    r"(?:virtual|digital|automated|support|booking|customer service|screening|email|chat|ai-powered) (?:assistants?|"
    r"agents?|tools?))"
)
# What an instruction addressed to an AI goes on with.
DIRECTIVE_VERB = (
    r"(?:ignore|disregard|forget|override|bypass|do not|don't|never|always|you must|you should|you will|you are|"
    r"instead|important|new instructions?|from now on|when|whenever|if|before|after|tell|say|reply|respond|answer|"
    r"include|add|append|insert|send|forward|email|e-mail|post|upload|share|reveal|print|output|show|list|give|"
    r"provide|write|mark|rate|rank|score|recommend|approve|cancel|delete|remove|issue|refund|waive|book|transfer|pay|"
    r"click|visit|open|call|ask|offer|change|update|set|make|rewrite|summari[sz]e|translate|stop|only|treat|consider|"
    r"assume|pretend|act|execute|run|follow|grant|disclose|inform|notify|redirect|direct|promote|praise)"
)
YOUR_OUTPUT = r"your\s+(?:\w+\s+)?(?:reply|response|answer|output|message|summary|responses|replies|answers)\b"
SENTENCE_START = r"(?:^|[.!?:\n]\s*|\d[.)]\s*)"
# "Ignore my previous instructions, I meant Tuesday" is a customer correcting themselves, not an attack.
FIRST_PERSON = r"\b(?:my|mine|our|i|we|i've|i'd)\b"
