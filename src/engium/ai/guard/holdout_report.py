"""The honest tables of ``engium guard eval``: the detector (rules plus learned layer) on rows the learned
layer never saw, by hold-out group and by language.

For every row of the training corpus, the learned evidence comes from a model trained without that row:
without its whole group (leave-one-source-out: what a new public data set or a new style of attack will
meet), without every row of its language (leave-one-language-out, non-English rows only), or without its
fold of a random split (ordinary split: what the same kinds of text will meet; optimistic, since a written
injection also appears inside a request in another fold). The rules are the same in all three, and they
were tuned on the development set, so their share of the development set's groups is not unseen. A row is
flagged when the detector's score, the higher of the rules' score and the learned layer's, reaches the
threshold.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engium.ai.guard.detector import DEFAULT_THRESHOLD, Detector
from engium.ai.guard.evaluation import Counts
from engium.ai.guard.learned_training import (
    FLAG_PROBABILITY,
    Featurised,
    leave_one_language_out,
    leave_one_source_out,
    ordinary_split,
)

# The layer's flag points shown beside the shipped one: how recall trades against over-defence on unseen text.
FLAG_POINTS = (0.5, 0.7, 0.85, 0.9, 0.95)


def _logit(probability: float) -> float:
    return math.log(probability / (1 - probability))


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, value))))


@dataclass(frozen=True)
class HoldoutTables:
    method: str  # "leave-one-source-out", "leave-one-language-out" or "ordinary split (5 folds)"
    threshold: float
    overall: Counts
    rules_only: Counts
    per_group: dict[str, Counts]
    per_group_rules: dict[str, Counts]
    per_language: dict[str, Counts]

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "threshold": self.threshold,
            "overall": self.overall.as_dict(),
            "rules_only": self.rules_only.as_dict(),
            "per_group": {g: {"detector": c.as_dict(), "rules_only": self.per_group_rules[g].as_dict()}
                          for g, c in sorted(self.per_group.items())},
            "per_language": {lang: c.as_dict() for lang, c in sorted(self.per_language.items())},
        }


def rule_scores(detector: Detector, texts: Sequence[str]) -> list[float]:
    return [detector.score(text, learned=False).score for text in texts]


def tables(data: Featurised, rules: Sequence[float], learned_evidence: Sequence[float], method: str,
           threshold: float = DEFAULT_THRESHOLD) -> HoldoutTables:
    overall, rules_only = Counts(), Counts()
    per_group: dict[str, Counts] = {}
    per_group_rules: dict[str, Counts] = {}
    per_language: dict[str, Counts] = {}
    for row, rule, evidence in zip(data.rows, rules, learned_evidence, strict=True):
        if math.isnan(evidence):  # a row this method does not hold out (English, leaving one language out)
            continue
        flagged = max(rule, _sigmoid(float(evidence))) >= threshold
        by_rules = rule >= threshold
        overall.add(label=row.label, flagged=flagged)
        rules_only.add(label=row.label, flagged=by_rules)
        per_group.setdefault(row.group, Counts()).add(label=row.label, flagged=flagged)
        per_group_rules.setdefault(row.group, Counts()).add(label=row.label, flagged=by_rules)
        per_language.setdefault(row.lang, Counts()).add(label=row.label, flagged=flagged)
    return HoldoutTables(method, threshold, overall, rules_only, per_group, per_group_rules, per_language)


@dataclass(frozen=True)
class HoldoutReport:
    tables: list[HoldoutTables]  # leave-one-source-out, leave-one-language-out, ordinary split
    operating_points: dict[float, HoldoutTables]  # leave-one-source-out with the layer flagging at each point


def operating_points(data: Featurised, rules: Sequence[float], evidence: Sequence[float],
                     threshold: float = DEFAULT_THRESHOLD, shipped: float = FLAG_PROBABILITY,
                     points: Sequence[float] = FLAG_POINTS) -> dict[float, HoldoutTables]:
    """The same held-out predictions with the layer's flag point moved: evidence is the logit minus the
    shipped point, so flagging at ``p`` instead adds ``logit(shipped) - logit(p)``."""
    return {p: tables(data, rules, [v + _logit(shipped) - _logit(p) for v in evidence],
                      f"leave-one-source-out, layer flagging at {p}", threshold) for p in points}


def holdout_tables(data: Featurised, detector: Detector, threshold: float = DEFAULT_THRESHOLD,
                   progress: Callable[[str], None] | None = None) -> HoldoutReport:
    """The tables (leave-one-source-out, leave-one-language-out of non-English rows, the ordinary split) and
    the leave-one-source-out operating points."""
    rules = rule_scores(detector, [row.text for row in data.rows])
    loso = [float(v) for v in leave_one_source_out(data, progress)]
    lolo = leave_one_language_out(data, progress)
    split = ordinary_split(data)
    return HoldoutReport(
        [tables(data, rules, loso, "leave-one-source-out", threshold),
         tables(data, rules, [float(v) for v in lolo], "leave-one-language-out", threshold),
         tables(data, rules, [float(v) for v in np.asarray(split)], "ordinary split (5 folds)", threshold)],
        operating_points(data, rules, loso, threshold))


def _cell(value: float | None, *, percent: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.2f}%" if percent else f"{value:.3f}"


def counts_line(name: str, counts: Counts, rules: Counts | None = None) -> str:
    c = counts.as_dict()
    fpr = _cell(c["false_positive_rate"], percent=True)
    line = f"{c['attacks']:>7} {_cell(c['recall']):>7} {c['benign']:>7} {fpr:>8}"
    if rules is not None:
        r = rules.as_dict()
        line += f"   {_cell(r['recall']):>7} {_cell(r['false_positive_rate'], percent=True):>8}"
    return f"{line}  {name}"


def _held_unit(method: str) -> str:
    return {"leave-one-source-out": "group", "leave-one-language-out": "language"}.get(method, "fold")


def format_tables(result: HoldoutTables) -> str:
    lines = [f"{result.method}, threshold {result.threshold} (learned layer trained without the row's "
             f"{_held_unit(result.method)}; rules unchanged)", "",
             f"{'attacks':>7} {'recall':>7} {'benign':>7} {'FPR':>8}   {'rules:':>7} {'FPR':>8}  group",
             counts_line("ALL", result.overall, result.rules_only)]
    lines += [counts_line(group, counts, result.per_group_rules[group])
              for group, counts in sorted(result.per_group.items())]
    lines += ["", f"{'attacks':>7} {'recall':>7} {'benign':>7} {'FPR':>8}  language"]
    lines += [counts_line(lang, counts) for lang, counts in sorted(result.per_language.items())]
    return "\n".join(lines)


def format_operating_points(points: dict[float, HoldoutTables]) -> str:
    """One line per flag point: recall (all, non-English), false positives (all, each all-benign group)."""
    if not points:
        return ""
    benign_groups = sorted(g for g, c in next(iter(points.values())).per_group.items() if c.attacks == 0)
    lines = [f"leave-one-source-out with the layer flagging at other points (shipped: {FLAG_PROBABILITY})", "",
             "   flag  recall  non-en     FPR  " + "  ".join(benign_groups)]
    for point, result in sorted(points.items()):
        other = Counts()
        for lang, counts in result.per_language.items():
            if lang != "en":
                other.true_positives += counts.true_positives
                other.false_negatives += counts.false_negatives
        cells = [_cell(result.per_group[g].as_dict()["false_positive_rate"], percent=True).rjust(len(g))
                 for g in benign_groups]
        lines.append(f"{point:>7} {_cell(result.overall.as_dict()['recall']):>7} "
                     f"{_cell(other.as_dict()['recall']):>7} "
                     f"{_cell(result.overall.as_dict()['false_positive_rate'], percent=True):>7}  " + "  ".join(cells))
    return "\n".join(lines)
