"""Compose the hand-written training rows of the learned guard layer from ``data/guard/written/*.json``.

Each language file (written for Engium; see data/guard/README.md) holds ordinary customer requests, benign
messages full of trigger words, one-line injections by style, short documents, and orders hidden in
documents. Real attacks rarely come alone: they sit inside an ordinary request or a document, so besides
each text on its own this writes (with a fixed seed, so the output is the same on every run):

* a request followed by another request, and a request with a trigger-word message (benign);
* an injection before or after an ordinary request (attack);
* a document with a hidden order at its start, middle or end (attack), and each document alone (benign).

Sources name the style, so that ``engium guard eval --leave-one-source-out`` holds each style out whole:
``engium-written:customer``, ``:trigger-words``, ``:direct``, ``:game``, ``:documents``.

    python tools/guard_training/compose_written.py > data/guard/corpus/engium-written.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

WRITTEN = Path(__file__).resolve().parents[2] / "data" / "guard" / "written"
_NO_SPACE = {"zh", "ja"}  # scripts that join sentences without a space


def _join(lang: str, first: str, second: str) -> str:
    return first + ("" if lang in _NO_SPACE else " ") + second


def _insert(document: str, order: str, where: str) -> str:
    if where == "start":
        return f"{order}\n\n{document}"
    if where == "end":
        return f"{document}\n\n{order}"
    lines = document.split("\n")
    if len(lines) > 2:
        middle = len(lines) // 2
        return "\n".join([*lines[:middle], order, *lines[middle:]])
    cut = document.find(". ", len(document) // 3)
    return f"{document[:cut + 1]} {order} {document[cut + 2:]}" if cut > 0 else f"{document} {order}"


def _rows(data: dict[str, object], rng: random.Random) -> list[dict[str, object]]:
    lang = str(data["lang"])
    # A later batch written apart from the first ("batch": "c") is a hold-out group of its own, so that
    # leave-one-source-out measures one batch on a layer trained with the other.
    prefix = f"engium-written-{data['batch']}" if "batch" in data else "engium-written"
    requests = [str(t) for t in data["requests"]]  # type: ignore[attr-defined]
    triggers = [str(t) for t in data["trigger_benign"]]  # type: ignore[attr-defined]
    injections = list(data["injections"])  # type: ignore[call-overload]
    documents = list(data["documents"])  # type: ignore[call-overload]
    orders = [str(t) for t in data["hidden_orders"]]  # type: ignore[attr-defined]
    rows: list[dict[str, object]] = []

    def add(text: str, label: int, style: str) -> None:
        rows.append({"text": text, "label": label, "source": f"{prefix}:{style}", "lang": lang})

    for request in requests:
        add(request, 0, "customer")
        add(_join(lang, request, rng.choice([r for r in requests if r != request])), 0, "customer")
    for trigger in triggers:
        add(trigger, 0, "trigger-words")
        add(_join(lang, rng.choice(requests), trigger) if rng.random() < 0.5
            else _join(lang, trigger, rng.choice(requests)), 0, "trigger-words")
    for item in injections:
        text, style = str(item["text"]), "game" if item["style"] == "game" else "direct"
        add(text, 1, style)
        add(_join(lang, rng.choice(requests), text), 1, style)
        add(_join(lang, text, rng.choice(requests)), 1, style)
    for document in documents:
        add(str(document["text"]), 0, "documents")
    for order in orders:
        for document in rng.sample(documents, 2):
            add(_insert(str(document["text"]), order, rng.choice(["start", "middle", "end"])), 1, "documents")
    return rows


def main() -> None:
    rng = random.Random(16)  # noqa: S311  (a fixed seed: the same rows on every run)
    for path in sorted(WRITTEN.glob("*.json")):
        for row in _rows(json.loads(path.read_text(encoding="utf-8")), rng):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
