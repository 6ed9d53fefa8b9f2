"""Prompt-injection detection: a score in [0, 1] with the reasons behind it. Never the only gate.

Layers, cheapest first:

1. **Views.** The text is normalised the way the sanitiser does (invisible characters out, NFKC,
   lower case) and then folded (look-alike letters to Latin, spaced-out letters joined), so one rule
   sees "ignore", "ＩＧＮＯＲＥ", "ignоre" with a Cyrillic o, "i g n o r e" and "ig\u200bnore" alike.
   What invisible characters hid is itself evidence: ASCII spelled in Unicode tag characters, and
   zero-width characters inside words.
2. **Rules** for known attack shapes (English on the folded view, sixteen more languages on the
   unfolded one), also run over decoded payloads (base64, hex, Morse, rot13, reversed, leetspeak).
   Each hit is log-odds evidence; hits of one family add with diminishing returns; families add up.
   Where the text came from matters: customer messages are never judged as documents.
   **Persona jailbreaks** (``persona_cues``): when a text casts the assistant in a role, the number of
   distinct jailbreak cue groups it has (no limits, enforcement, dual output, a named persona ...) adds
   evidence: several weak cues together flag, one does not.
3. **Similarity** (optional: ``Detector.with_local_embeddings()``) to a corpus of attack patterns in
   the local embedding space, compared with a corpus of benign front-desk messages. It costs a model
   forward pass (10 ms or more), so it only runs when the rules are uncertain; ADR 0012 has the
   measurements behind leaving it off by default.
4. **Learned layer** (``learned_layer``, on by default; ADR 0019): a logistic regression over multilingual
   sentence embeddings of the text's segments and hashed n-grams, trained on public corpora and our own
   writing in 39 languages. It runs only when the rules did not flag the text (2-9 ms), and its
   score stands beside theirs: the detector's score is the higher of the two.

The rules' score is a logistic function of their summed evidence. ``flagged`` compares the score with the
caller's threshold (a tenant's ``guard_threshold``), or ``DEFAULT_THRESHOLD``.
"""

# ruff: noqa: RUF002  (look-alike and invisible characters are this module's subject)

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from engium.ai.guard import english_rules, multilingual_rules
from engium.ai.guard.encoded_payloads import decoded_payloads
from engium.ai.guard.invisible import strip_invisible
from engium.ai.guard.learned_layer import LearnedLayer, shared_layer
from engium.ai.guard.lookalikes import fold_lookalikes, join_spaced_letters
from engium.ai.guard.persona_cues import persona_cue_groups, persona_evidence
from engium.ai.guard.rule_model import Family, Hit, Rule, Scope, family_evidence, languages_in, scripts_in
from engium.ai.guard.sanitiser import find_markers
from engium.ai.guard.similarity import SimilarityLayer

DEFAULT_THRESHOLD = 0.5
# Minus the evidence needed for a score of 0.5. A single strong rule (weight 4-5) flags on its own;
# moderate ones (2-3: "no restrictions", "in your reply") need another; weak cues (a persona frame, a
# vendor name) need company.
_PRIOR = -3.5
# Below this much rule evidence a text is left alone; at or above the flag point it is decided. Only
# in between does the similarity layer run.
_UNCERTAIN_FROM = 1.0
_DECODED_BONUS = 1.0  # hiding an instruction in an encoding is evidence of intent in itself
_DOCUMENT_BONUS = 1.0  # an instruction addressed to the reader of an email or web page
# A document (a retrieved chunk, a tool result) is read as many segments, and the learned layer takes the most
# suspicious: more segments, more chances for a benign policy sentence to look like an order. So on texts known
# to be documents the layer must be this much surer (ADR 0019: benign policy documents 15 % -> 4 % flagged).
_LEARNED_DOCUMENT_MARGIN = 1.0
_SATURATED = 7.5  # evidence beyond which the score is 0.98+: no further rule can change the decision
# Weak and moderate rules (below this weight) add up over long texts by chance and cost the most time
# there, so on a long text they read its head and tail only; strong rules always read all of it.
_STRONG = 3.5
_HEAD_CHARS, _TAIL_CHARS = 3_000, 1_000
# Texts longer than this (plus the overlap) are read in two passes: see ``_rule_hits``.
_FIRST_PASS_CHARS, _PASS_OVERLAP = 2_500, 500

_LATIN_ONLY = frozenset({"latin"})

TextSource = Literal["customer", "document", "retrieved", "tool"]

_EMAIL_HEADER = re.compile(r"(?im)^[ \t]*(?:subject|from|to|date|cc|sent|reply-to)[ \t]*:[ \t]*\S")
# "Hi David," opens an email; "Hello, I tried to top up" opens a customer's message. Names are capitalised.
_GREETING = re.compile(
    r"(?m)^[ \t]*(?:[Hh]i|[Hh]ello|[Dd]ear|[Hh]ey|[Gg]ood (?:morning|afternoon|evening))[ \t]+"
    r"(?!There\b|All\b|Team\b|Everyone\b|Support\b)[A-Z][\w'-]+(?:[ \t]+[A-Z][\w'-]+)?[ \t]*,"
)
_EMAIL_PHRASES = re.compile(
    r"\b(?:regards|sincerely|best wishes|cheers|the [a-z]+ team|thank you for (?:your|using)|unsubscribe|"
    r"privacy policy|all rights reserved|(?:reply|respond) to this (?:email|e-mail|message)|view (?:it )?in (?:your )?"
    r"browser|sent from my|this (?:email|e-mail) was sent)\b", re.IGNORECASE)
# Said only by a business to its mailing list, never by a customer in a chat: enough on a short text.
_EMAIL_BOILERPLATE = re.compile(
    r"\b(?:(?:just |simply |please )?reply to this (?:email|e-mail)|do not reply to this (?:email|e-mail)|"
    r"this (?:email|e-mail) was sent (?:to|by)|you are receiving this (?:email|e-mail)|unsubscribe|"
    r"view (?:it |this email )?in (?:your )?browser)\b", re.IGNORECASE)
_GLUED_TOKEN = re.compile(r"[a-z]{28,}")
_FUNCTION_WORDS = ("the", "your", "and", "with", "for", "you", "ing", "all")

_SPECIAL_TOKEN_WEIGHT = 4.5
_ROLE_TURN_WEIGHTS = {"system": 3.0, "developer": 3.0, "assistant": 2.0, "user": 1.0, "human": 1.0}


@dataclass(frozen=True)
class Detection:
    score: float  # 0 (benign) .. 1 (attack)
    flagged: bool
    reasons: tuple[str, ...]  # "family:rule", strongest first; empty when nothing was found


@dataclass(frozen=True)
class _Views:
    nfkc: str  # invisible characters removed, NFKC, original case
    plain: str  # lower case
    latin: str  # lower case, look-alikes folded, spaced letters joined
    hidden_tag_text: str
    zero_width_inside_words: int


def _fold_twice(raw: str, nfkc: str) -> str:
    if raw.isascii():
        return nfkc
    return fold_lookalikes(unicodedata.normalize("NFKC", fold_lookalikes(raw)))


def _views(text: str) -> _Views:
    scan = strip_invisible(text)
    nfkc = unicodedata.normalize("NFKC", scan.text)
    plain = nfkc.lower()
    return _Views(
        nfkc=nfkc,
        plain=plain,
        # Underscores and markdown escapes hide words from \b: "developer_mode", "\\[system\\]".
        # Folded before NFKC too: NFKC turns a lunate sigma (a "C" look-alike) into a capital sigma.
        latin=join_spaced_letters(_fold_twice(scan.text, nfkc).lower()).replace("_", " ").replace("\\", ""),
        hidden_tag_text=scan.hidden_tag_text,
        zero_width_inside_words=scan.zero_width_inside_words,
    )


def looks_like_email(text: str) -> bool:
    """An email rather than a chat message: headers, a greeting by name, or typical email phrases.

    Emails get the email-only rules whatever their source (except customer messages, which are never
    judged as documents). When the caller does not say where a text came from (evaluation, ad-hoc
    checks), an email is also taken to be a document; the conversation engine always says.
    """
    if _EMAIL_HEADER.search(text):
        return True
    if len(text) >= 150 and _GREETING.search(text) is not None:
        return True
    if len(text) >= 120 and _EMAIL_BOILERPLATE.search(text) is not None:
        return True
    return len(text) >= 300 and _EMAIL_PHRASES.search(text) is not None


def _scopes(text: str, source: TextSource | None) -> frozenset[Scope]:
    if source == "customer":
        return frozenset({Scope.ANY})
    email = looks_like_email(text)
    document = source is not None or email
    return frozenset({Scope.ANY} | ({Scope.DOCUMENT} if document else set()) | ({Scope.EMAIL} if email else set()))


def _evidence(hits: Iterable[Hit]) -> float:
    return sum(family_evidence(hits).values())


def _saturated(hits: Iterable[Hit]) -> bool:
    return _evidence(hits) >= _SATURATED


def _rule_hits(
    rules: Iterable[Rule],
    text: str,
    *,
    scopes: frozenset[Scope],
    via: str = "",
    scripts: frozenset[str] | None = None,
    languages: frozenset[str] = frozenset(),
    prior: float = 0.0,
) -> list[Hit]:
    """Hits of ``rules`` (strongest first) on ``text``; stops early once the text is certainly an attack.

    A long text is read in two passes: every rule on its first part, where a jailbreak sets up its persona
    and most overrides sit, and only if that did not settle it, the rules that have not hit yet on the rest
    (the parts overlap, so a match across the cut is not lost). Weak rules read the head and tail only.
    """
    present = scripts_in(text) if scripts is None else scripts
    active = [r for r in rules if r.script in present and r.scope in scopes and (not r.lang or r.lang in languages)]
    bounded = text if len(text) <= _HEAD_CHARS + _TAIL_CHARS else f"{text[:_HEAD_CHARS]}\n{text[-_TAIL_CHARS:]}"
    hits: list[Hit] = []
    if len(text) <= _FIRST_PASS_CHARS + _PASS_OVERLAP:
        passes: list[tuple[int, int | None]] = [(0, None)]
    else:
        # Cut at a line or sentence end, so that a look-ahead at the cut rarely sees less than it would.
        cut = max(text.rfind("\n", 0, _FIRST_PASS_CHARS), text.rfind(". ", 0, _FIRST_PASS_CHARS) + 1,
                  _FIRST_PASS_CHARS // 2)
        passes = [(0, cut), (max(0, cut - _PASS_OVERLAP), None)]
    for start, end in passes:
        needles: dict[str, bool] = {}
        bounded_needles: dict[str, bool] = {}
        hit_rules = {hit.rule for hit in hits}
        for r in active:
            if r.name in hit_rules:
                continue
            if r.weight >= _STRONG or bounded is text:
                hit = r.matches(text, needles, start, end)
            elif start >= len(bounded):
                continue
            else:
                hit = r.matches(bounded, bounded_needles, start, None if end is None else min(end, len(bounded)))
            if hit:
                hits.append(Hit(r.name, r.family, r.weight, via))
                # The rest could only push a saturated score further up; skipping them keeps long texts fast.
                if prior + _evidence(hits) >= _SATURATED:
                    return hits
    return hits


def _marker_hits(nfkc: str) -> list[Hit]:
    hits: list[Hit] = []
    for kind, name in find_markers(nfkc):
        if kind == "special_token":
            hits.append(Hit(f"chat_template_token:{name}", Family.ROLE_INJECTION, _SPECIAL_TOKEN_WEIGHT))
        elif kind in ("turn", "heading", "role_tag"):
            weight = _ROLE_TURN_WEIGHTS.get(name.strip("/").removesuffix("prompt").strip("_"), 1.0)
            hits.append(Hit(f"fake_{kind}:{name}", Family.ROLE_INJECTION, weight + (1.0 if kind == "heading" else 0)))
        else:
            hits.append(Hit(f"sequence_token:{name}", Family.ROLE_INJECTION, 1.5))
    return hits


def _glued_hits(latin: str) -> list[Hit]:
    # "Ignoreallpreviousinstructions": words run together to dodge word-based rules. Ordinary long
    # tokens (German compounds, ids) do not contain several English function words.
    for token in _GLUED_TOKEN.findall(latin):
        if sum(word in token for word in _FUNCTION_WORDS) >= 2:
            return [Hit("words_run_together", Family.ENCODED, 2.5)]
    return []


def _strongest(hits: Iterable[Hit]) -> list[Hit]:
    best: dict[str, Hit] = {}
    for hit in hits:
        if hit.rule not in best or hit.weight > best[hit.rule].weight:
            best[hit.rule] = hit
    return sorted(best.values(), key=lambda h: -h.weight)


def _strongest_first(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    return tuple(sorted(rules, key=lambda r: -r.weight))


class Detector:
    """Scores untrusted text for prompt injection. Thread-safe; build one per process and reuse it."""

    def __init__(
        self,
        *,
        similarity: SimilarityLayer | None = None,
        default_threshold: float = DEFAULT_THRESHOLD,
        learned: LearnedLayer | Literal["shared"] | None = "shared",
    ):
        """``learned``: the process-wide learned layer (default; its encoder loads on first use), another
        one, or None for the rules alone."""
        if not 0 < default_threshold <= 1:
            raise ValueError("a threshold is in (0, 1]")
        self._similarity = similarity
        self._learned = shared_layer() if learned == "shared" else learned
        self._default_threshold = default_threshold
        # Strongest first, so that the early exit at saturation skips only the weak rules.
        self._english = _strongest_first(english_rules.RULES)
        self._compact = _strongest_first(english_rules.COMPACT_RULES)
        self._other_languages = _strongest_first(multilingual_rules.RULES)

    @classmethod
    def with_local_embeddings(
        cls,
        *,
        default_threshold: float = DEFAULT_THRESHOLD,
        learned: LearnedLayer | Literal["shared"] | None = "shared",
    ) -> Detector:
        """The detector with its similarity layer on the bundled embedding model."""
        return cls(similarity=SimilarityLayer.local(), default_threshold=default_threshold, learned=learned)

    @property
    def learned_layer(self) -> LearnedLayer | None:
        return self._learned

    @property
    def similarity_layer(self) -> SimilarityLayer | None:
        return self._similarity

    def warm_up(self) -> None:
        """Load the models (and embed the similarity corpora) now rather than on the first text that needs them."""
        if self._similarity is not None:
            self._similarity.warm_up()
        if self._learned is not None:
            self._learned.warm_up()

    def rule_hits(self, text: str, *, source: TextSource | None = None) -> list[Hit]:
        """Every rule hit for ``text``, strongest first (the cheap layers only).

        Layers run cheapest and most telling first; once the evidence saturates (a long DAN prompt usually
        does within the English rules) the rest is skipped, since nothing could lower the score.
        """
        views = _views(text)
        scopes = _scopes(views.nfkc, source)
        hits = _rule_hits(self._english, views.latin, scopes=scopes, scripts=_LATIN_ONLY)
        if views.hidden_tag_text:
            hits.append(Hit("unicode_tag_characters", Family.HIDDEN_TEXT, 4.5))
            hidden = _views(views.hidden_tag_text)
            hits += _rule_hits(self._english, hidden.latin, scopes=scopes, via="unicode_tags")
        if views.zero_width_inside_words >= 3:
            # Never needed inside Latin, Greek or Cyrillic words (soft hyphens are not counted).
            weight = 4.0 if views.zero_width_inside_words >= 6 else 3.0
            hits.append(Hit("zero_width_inside_words", Family.HIDDEN_TEXT, weight))
        hits += _marker_hits(views.nfkc)
        if not _saturated(hits):
            hits += _rule_hits(self._other_languages, views.plain, scopes=scopes, languages=languages_in(views.plain),
                               prior=_evidence(hits))
        if not _saturated(hits):
            groups = persona_cue_groups(views.latin, views.nfkc, hits)
            if (persona := persona_evidence(groups)) > 0:
                cues = "+".join(sorted(groups - {"casting"}))
                hits.append(Hit(f"{len(groups) - 1}_cue_groups:{cues}", Family.PERSONA_JAILBREAK, persona))
        if not _saturated(hits):
            hits += _glued_hits(views.latin)
            for token in _GLUED_TOKEN.findall(views.latin):
                hits += _rule_hits(self._compact, token, scopes=scopes, via="words_run_together")
        if not _saturated(hits):
            hits += self._decoded_hits(views.nfkc, scopes, seen=frozenset(h.rule for h in hits))
        if Scope.DOCUMENT in scopes and any(h.family is Family.INDIRECT for h in hits):
            hits.append(Hit("inside_a_document", Family.CONTEXT, _DOCUMENT_BONUS))
        return _strongest(hits)

    def _decoded_hits(self, nfkc: str, scopes: frozenset[Scope], *, seen: frozenset[str]) -> list[Hit]:
        """Hits that decoding *revealed*: leetspeak and rot13 re-read the whole text, and a rule that already
        hit the plain text is no evidence of a hidden payload."""
        hits: list[Hit] = []
        for payload in decoded_payloads(nfkc):
            decoded = _views(payload.text)
            found = _rule_hits(self._english, decoded.latin, scopes=scopes, via=payload.via)
            found += _rule_hits(self._other_languages, decoded.plain, scopes=scopes, via=payload.via,
                                languages=languages_in(decoded.plain))
            hits += [hit for hit in found if hit.rule not in seen]
        if hits:
            hits.append(Hit(f"decoded:{hits[0].via}", Family.ENCODED, _DECODED_BONUS))
        return hits

    def score(
        self, text: str, *, threshold: float | None = None, source: TextSource | None = None, learned: bool = True
    ) -> Detection:
        """Score ``text``; ``threshold`` (the tenant's, or None for the default) decides ``flagged``.

        ``source`` says where the text came from when the caller knows: documents, retrieved chunks and
        tool results are judged as documents (instructions addressed to their reader are suspicious).
        ``learned=False`` leaves the learned layer out of this call (evaluation of the rules alone).
        """
        limit = self._default_threshold if threshold is None else threshold
        if not 0 < limit <= 1:
            raise ValueError("a threshold is in (0, 1]")
        hits = self.rule_hits(text, source=source)
        evidence = sum(family_evidence(hits).values())
        reasons = [f"{h.family.value}:{h.rule}" + (f" (via {h.via})" if h.via else "") for h in hits]
        if self._similarity is not None and _UNCERTAIN_FROM <= evidence < -_PRIOR:
            nudge = self._similarity.evidence(text)
            evidence += nudge
            if nudge > 0:
                reasons.append(f"similar_to_known_attacks:{nudge:+.1f}")
        score = 1.0 / (1.0 + math.exp(-(_PRIOR + evidence)))
        if learned and self._learned is not None and score < limit:
            # Only what the rules left unflagged: a flagged text cannot become more flagged, and the
            # embedding is the costly part. Its score stands beside the rules' (the higher one counts).
            margin = _LEARNED_DOCUMENT_MARGIN if source not in (None, "customer") else 0.0
            learned_evidence = self._learned.evidence(text) - margin
            learned_score = 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, learned_evidence))))
            if learned_score > score:
                score = learned_score
                reasons.append(f"learned_layer:{learned_score:.2f}")
        return Detection(score=score, flagged=score >= limit, reasons=tuple(reasons))
