"""Latency of the prompt-injection detector per message, on one core: the rules alone, the whole detector
(rules and the learned layer with its sentence embedding), and the whole detector with the embedding
already computed (what it would cost if the vector came for free from elsewhere).

The learned layer embeds with its own multilingual encoder (ADR 0019), not with retrieval's MiniLM, so the
embedding is never shared with retrieval: the "whole detector" column is the cost that counts. Each text is
scored once per variant; variants alternate per text so machine load hits them alike. The texts are the
development set when ``../shared`` is present (else the test fixtures), plus the fixtures in 15 languages.

    taskset -c 1 .venv/bin/python bench/guard_latency.py [--quick] [--repeat N] > guard_latency.json

On a machine shared with other work, a single timing per text puts other processes' time slices into the
tail. ``--repeat N`` scores every text N times per variant (each time through a layer that has not seen it,
so its cache of recent texts does not answer) and also reports the percentiles of each text's fastest run:
the detector's own cost, without the neighbours. Both go in the output; the single-shot one is the headline.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchlib import emit, log, machine_info, setup_logging, summarize_ms
from engium.ai.guard.detector import Detector
from engium.ai.guard.learned_layer import LearnedLayer, shipped_model
from engium.ai.guard.segments import segments
from engium.ai.guard.sentence_encoder import shared_encoder

ROOT = Path(__file__).resolve().parents[1]
DEV_SET = ROOT.parent / "shared" / "data" / "prompt-injection" / "dev.jsonl"
FIXTURES = [ROOT / "tests" / "ai" / "guard" / "fixtures" / name
            for name in ("benign_trigger_words.jsonl", "attacks_generalisation.jsonl")]
TARGET_P99_MS = 15.0


class PrecomputedEncoder:
    """Hands back vectors computed before the clock started: the detector minus the encoder's time."""

    dimensions = 512

    def __init__(self, texts: Sequence[str]) -> None:
        encoder = shared_encoder()
        parts = sorted({p for text in texts for p in segments(text)})
        self._vectors = dict(zip(parts, encoder.encode(parts), strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts])


def _texts(quick: bool) -> list[str]:
    texts: list[str] = []
    for path in ([DEV_SET] if DEV_SET.is_file() else []) + FIXTURES:
        with path.open(encoding="utf-8") as lines:
            texts += [json.loads(line)["text"] for line in lines if line.strip()]
    if quick:
        texts = texts[:: max(1, len(texts) // 1_500)]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="about 1,500 texts instead of all")
    parser.add_argument("--repeat", type=int, default=1, help="runs per text and variant (fastest reported too)")
    args = parser.parse_args()
    setup_logging()
    texts = _texts(args.quick)
    with threadpool_limits(limits=1, user_api="blas"):
        log.info("precomputing segment vectors for %d texts", len(texts))
        precomputed = PrecomputedEncoder(texts)
        repeat = max(1, args.repeat)
        # One detector per run, each with its own layer: a layer answers a text it has scored from its cache.
        variants: dict[str, list[Detector]] = {
            "rules": [Detector(learned=None)] * repeat,
            "detector": [Detector(learned=LearnedLayer(shared_encoder(), shipped_model())) for _ in range(repeat)],
            "detector_without_embedding": [Detector(learned=LearnedLayer(precomputed, shipped_model()))
                                           for _ in range(repeat)],
        }
        variants["detector"][0].warm_up()
        samples: dict[str, list[int]] = {name: [] for name in variants}
        fastest: dict[str, list[int]] = {name: [] for name in variants}
        learned_ran = 0
        for text in texts:
            runs: dict[str, list[int]] = {name: [] for name in variants}
            for run in range(repeat):
                for name, detectors in variants.items():
                    started = time.perf_counter_ns()
                    detectors[run].score(text)
                    runs[name].append(time.perf_counter_ns() - started)
            for name, values in runs.items():
                samples[name].append(values[0])
                fastest[name].append(min(values))
            learned_ran += not variants["rules"][0].score(text).flagged
    result: dict[str, Any] = {
        "benchmark": "guard_latency",
        "machine": machine_info(),
        "texts": len(texts),
        "learned_layer_ran_on": learned_ran,
        "blas_threads": 1,
        "latency_ms": {name: summarize_ms(values) for name, values in samples.items()},
    }
    if repeat > 1:
        result[f"latency_ms_fastest_of_{repeat}"] = {name: summarize_ms(values) for name, values in fastest.items()}
    p99 = result["latency_ms"]["detector"]["p99_ms"]
    result["headline"] = {"detector_p99_ms": p99, "target_p99_ms": TARGET_P99_MS, "meets_target": p99 <= TARGET_P99_MS}
    emit(result)


if __name__ == "__main__":
    main()
