"""Hashed word and character n-grams: the learned layer's view of the exact words used.

A sentence embedding says what a text is about; an injection and a customer's "please ignore my last
message" are about nearly the same thing. The words around the trigger word tell them apart ("ignore *all
previous instructions*" against "ignore *my last message*"), so the layer also reads word unigrams and
bigrams, and character trigrams for the scripts that do not separate words with spaces (Chinese, Japanese,
Thai) and for inflected forms. Each is hashed (CRC-32, stable across processes, unlike ``hash``) into
``BUCKETS`` weights; a text's features are the distinct buckets, each weighted 1/sqrt(count) so that long
and short texts weigh the same.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from engium.ai.guard.invisible import strip_invisible

BUCKETS = 1 << 15
_WORD = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
_MAX_CHARS = 1_500  # a segment is shorter; this only bounds the work on an unsegmented text


def normalised(text: str) -> str:
    """Invisible characters out, NFKC, lower case, runs of white space as one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", strip_invisible(text[: _MAX_CHARS * 2]).text).lower()).strip()


def _bucket(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & (BUCKETS - 1)


def hashed_features(text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """(bucket indices, values) of ``text``'s n-grams; the values have unit length."""
    clean = normalised(text)[:_MAX_CHARS]
    words = _WORD.findall(clean)
    grams = {f"w:{w}" for w in words}
    grams.update(f"b:{a} {b}" for a, b in pairwise(words))
    padded = f" {clean} "
    grams.update(f"c:{padded[i:i + 3]}" for i in range(len(padded) - 2))
    buckets = np.unique(np.fromiter((_bucket(g) for g in grams), dtype=np.int64, count=len(grams)))
    if len(buckets) == 0:
        return buckets, np.zeros(0, dtype=np.float32)
    return buckets, np.full(len(buckets), 1.0 / np.sqrt(len(buckets)), dtype=np.float32)
