"""Measuring the detector on a labelled JSON Lines file: quality per source and latency per message."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engium.ai.guard.detector import Detector
from engium.ai.guard.language_guess import guess_language


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: int  # 1 = attack, 0 = benign
    source: str
    lang: str = ""  # as the row says, else guessed (language_guess)


class DatasetError(ValueError):
    """A line of the data file is not a {"text", "label"[, "source"]} object."""


def read_labelled(path: Path) -> Iterator[LabelledText]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text, label = row["text"], row["label"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise DatasetError(f"line {number}: expected a JSON object with 'text' and 'label'") from exc
            if not isinstance(text, str) or label not in (0, 1) or isinstance(label, bool):
                raise DatasetError(f"line {number}: 'text' must be a string and 'label' 0 or 1")
            yield LabelledText(text=text, label=int(label), source=str(row.get("source") or "unknown"),
                               lang=str(row.get("lang") or guess_language(text)))


@dataclass
class Counts:
    true_positives: int = 0
    false_positives: int = 0
    true_negatives: int = 0
    false_negatives: int = 0

    def add(self, *, label: int, flagged: bool) -> None:
        if label and flagged:
            self.true_positives += 1
        elif label:
            self.false_negatives += 1
        elif flagged:
            self.false_positives += 1
        else:
            self.true_negatives += 1

    @property
    def attacks(self) -> int:
        return self.true_positives + self.false_negatives

    @property
    def benign(self) -> int:
        return self.true_negatives + self.false_positives

    def as_dict(self) -> dict[str, Any]:
        attacks, benign = self.attacks, self.benign
        flagged = self.true_positives + self.false_positives
        precision = self.true_positives / flagged if flagged else None
        recall = self.true_positives / attacks if attacks else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall > 0
            else None
        )
        total = attacks + benign
        return {
            "count": total,
            "attacks": attacks,
            "benign": benign,
            "true_positives": self.true_positives,
            "false_positives": self.false_positives,
            "false_negatives": self.false_negatives,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "false_positive_rate": self.false_positives / benign if benign else None,
            "accuracy": (self.true_positives + self.true_negatives) / total if total else None,
        }


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of values at or below it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without floats drifting
    return ordered[int(rank) - 1]


@dataclass
class EvaluationReport:
    threshold: float | None
    overall: Counts = field(default_factory=Counts)
    per_source: dict[str, Counts] = field(default_factory=dict)
    per_language: dict[str, Counts] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    misses: list[LabelledText] = field(default_factory=list)
    false_alarms: list[LabelledText] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            **self.overall.as_dict(),
            "latency_ms": {
                "p50": percentile(self.latencies_ms, 0.50),
                "p99": percentile(self.latencies_ms, 0.99),
                "max": max(self.latencies_ms, default=0.0),
            },
            "per_source": {source: counts.as_dict() for source, counts in sorted(self.per_source.items())},
            "per_language": {lang: counts.as_dict() for lang, counts in sorted(self.per_language.items())},
        }


def evaluate(detector: Detector, rows: Iterable[LabelledText], *, threshold: float | None = None) -> EvaluationReport:
    """Score every row once, timing each call on its own (wall clock, this process)."""
    report = EvaluationReport(threshold=threshold)
    for row in rows:
        started = time.perf_counter()
        detection = detector.score(row.text, threshold=threshold)
        report.latencies_ms.append((time.perf_counter() - started) * 1000)
        report.overall.add(label=row.label, flagged=detection.flagged)
        report.per_source.setdefault(row.source, Counts()).add(label=row.label, flagged=detection.flagged)
        report.per_language.setdefault(row.lang or guess_language(row.text), Counts()).add(
            label=row.label, flagged=detection.flagged)
        if row.label and not detection.flagged:
            report.misses.append(row)
        elif not row.label and detection.flagged:
            report.false_alarms.append(row)
    return report
