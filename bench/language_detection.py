"""How often language detection (assistant/language.py) reads an English message as another language: run over
the shared prompt-injection development set (mostly English, user-style texts of every length).

    PYTHONPATH=src .venv/bin/python bench/language_detection.py [path/to/dev.jsonl]

An English customer answered in Spanish is the costly mistake; "ambiguous" (keep the conversation's language)
is harmless. Rows whose language the general guesser (ai/guard/language_guess.py) calls English are counted.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from engium.ai.guard.language_guess import guess_language
from engium.assistant.language import detect_language

DEV_SET = Path("../shared/data/prompt-injection/dev.jsonl")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEV_SET
    outcomes: Counter[str] = Counter()
    # Lines of the file, not str.splitlines(): texts hold U+2028 and other line breaks of their own.
    with path.open(encoding="utf-8") as rows:
        texts = [str(json.loads(line)["text"]) for line in rows if line.strip()]
    for text in texts:
        if guess_language(text) != "en":
            continue
        found = detect_language(text)
        outcomes["english" if found == "en" else "ambiguous" if found is None else f"read as {found}"] += 1
    total = sum(outcomes.values())
    print(f"{total} English texts: " + ", ".join(f"{label} {count}" for label, count in outcomes.most_common()))


if __name__ == "__main__":
    main()
