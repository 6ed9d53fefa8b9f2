"""Train the learned guard layer and write the weights that ship in the package.

    .venv/bin/python tools/guard_training/train.py            # train, write, print the SHA-256
    .venv/bin/python tools/guard_training/train.py --check    # train, compare with the shipped file

Deterministic: the corpus is read in a fixed order, the fit starts from zero with a fixed number of steps on
one BLAS thread, and the weights are stored as float16 in a plain .npy (no timestamps). The same corpus on
the same NumPy build gives the same bytes; ``--check`` exits 1 when they differ. Each segment is embedded on
its own (a batch changes the last bits of its vectors), about two minutes on one core the first time; segment
vectors are cached in .engium/guard-embeddings.npz, and a run with the cache gives the same bytes as one without.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from engium.ai.guard.learned_layer import METADATA_FILE, WEIGHTS_FILE  # noqa: E402
from engium.ai.guard.learned_training import FIT, FLAG_PROBABILITY, EmbeddingCache, featurise, train  # noqa: E402
from engium.ai.guard.segments import PIECE_BUDGET  # noqa: E402
from engium.ai.guard.sentence_encoder import ENCODER_NAME, shared_encoder  # noqa: E402
from engium.ai.guard.text_features import BUCKETS  # noqa: E402
from engium.ai.guard.training_corpus import default_corpus_files, load_corpus  # noqa: E402


def _corpus_digest(paths: list[Path]) -> dict[str, str]:
    # Paths relative to the repository root (the development set is "../shared/..."), so the metadata is
    # the same whichever checkout trained the weights.
    return {Path(os.path.relpath(p.resolve(), ROOT)).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in paths}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare with the shipped weights, write nothing")
    args = parser.parse_args()
    files = default_corpus_files(ROOT)
    rows = load_corpus(files)
    print(f"{len(rows)} rows ({sum(r.label for r in rows)} attacks) from {len(files)} files", file=sys.stderr)
    with threadpool_limits(limits=1, user_api="blas"):
        cache = EmbeddingCache(ROOT / ".engium" / "guard-embeddings.npz", ENCODER_NAME)
        data = featurise(rows, shared_encoder(), cache, progress=lambda line: print(line, file=sys.stderr))
        cache.save()
        model = train(data)
    with tempfile.TemporaryDirectory() as scratch:
        digest = model.save(Path(scratch) / "weights.npy")
        if args.check:
            shipped = hashlib.sha256(WEIGHTS_FILE.read_bytes()).hexdigest()
            print(f"trained {digest}\nshipped {shipped}")
            return 0 if digest == shipped else 1
        model.save(WEIGHTS_FILE)
    metadata = {
        "weights_sha256": digest,
        "encoder": ENCODER_NAME,
        "hashed_ngram_buckets": BUCKETS,
        "segment_piece_budget": PIECE_BUDGET,
        "flag_probability": FLAG_PROBABILITY,
        "fit": {"steps": FIT.steps, "learning_rate": FIT.learning_rate, "dense_l2": FIT.dense_l2,
                "sparse_l2": FIT.sparse_l2},
        "rows": len(rows),
        "attacks": sum(r.label for r in rows),
        "corpus_sha256": _corpus_digest(files),
        "trained_by": "tools/guard_training/train.py",
    }
    METADATA_FILE.write_text(json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(digest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
