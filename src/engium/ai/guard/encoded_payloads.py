"""Decode what an attacker may have encoded to slip past keyword rules: base64, hex, Morse, rot13, reversed, leet.

Each decoder is gated by a cheap test so ordinary text costs almost nothing: base64 and hex need a long
unbroken run of their alphabet, rot13 and reversed text need one of a few tell-tale encoded keywords
("vtaber" is "ignore" in rot13; "snoitcurtsni" is "instructions" reversed). The decoded strings are
checked with the same rules as the text itself.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from dataclasses import dataclass

_BASE64_RUN = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{20,}={0,2}")
_HEX_RUN = re.compile(r"(?:\\x|0x)?(?:[0-9a-fA-F]{2}(?:[\s:,]|\\x|0x)?){12,}")
_HEX_SEPARATORS = re.compile(r"\\x|0x|[\s:,]")
_MAX_CANDIDATES = 6  # per encoding: a text full of blobs is checked on its first few
_MAX_ROT13_CHARS = 20_000
_MAX_LEET_CHARS = 2_000

# Common English words and attack keywords as they look rot13-encoded or reversed.
_ROT13_TELLS = ("vtaber", "vafgehpgvba", "cebzcg", "flfgrz", "qvfertneq", "cerivbhf", " gur ", " naq ", " lbh ",
                "lbhe ", "cnffjbeq", "frperg")
_REVERSED_TELLS = ("snoitcurtsni", "erongi", "tpmorp", "metsys", "drager", "suoiverp", " eht ", " uoy ")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g", "@": "a",
                       "$": "s", "!": "i"})
# A word with at least two letters and either two leet digits or symbols ("1gn0r3") or one between two
# letters ("ign0re", "syst3m"). Ids and times ("b2b", "4pm", "mp3") have neither.
_LEET_TOKEN = re.compile(
    r"(?<![\w@$!])(?=(?:[0-9@$!]*[a-z]){2})"
    r"(?=[a-z0-9@$!]*?(?:[a-z][0134579@$!][a-z]|[01345789@$!][a-z]*[01345789@$!]))[a-z0-9@$!]{3,}(?![\w@$!])"
)


_MORSE = {
    ".-": "a", "-...": "b", "-.-.": "c", "-..": "d", ".": "e", "..-.": "f", "--.": "g", "....": "h", "..": "i",
    ".---": "j", "-.-": "k", ".-..": "l", "--": "m", "-.": "n", "---": "o", ".--.": "p", "--.-": "q", ".-.": "r",
    "...": "s", "-": "t", "..-": "u", "...-": "v", ".--": "w", "-..-": "x", "-.--": "y", "--..": "z",
    "-----": "0", ".----": "1", "..---": "2", "...--": "3", "....-": "4", ".....": "5", "-....": "6",
    "--...": "7", "---..": "8", "----.": "9", ".-.-.-": ".", "--..--": ",", "..--..": "?",
}
_MORSE_WORD_GAP = re.compile(r"\s*/\s*|\s{2,}")


@dataclass(frozen=True)
class DecodedText:
    via: str  # "base64", "hex", "morse", "rot13", "reversed", "leetspeak"
    text: str


def _printable_text(raw: bytes) -> str | None:
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(decoded) < 8:
        return None
    readable = sum(char.isprintable() or char in "\n\t" for char in decoded)
    letters = sum(char.isalpha() for char in decoded)
    # Random bytes (hashes, ids, keys) are rarely valid UTF-8, and never mostly letters and spaces.
    if readable / len(decoded) < 0.95 or letters / len(decoded) < 0.5 or " " not in decoded:
        return None
    return decoded


def _base64_payloads(text: str) -> list[DecodedText]:
    found: list[DecodedText] = []
    for match in _BASE64_RUN.finditer(text):
        blob = match.group(0)
        # An identifier or a long word is not base64 unless it mixes cases or digits like base64 does.
        if blob.isalpha() and (blob.islower() or blob.isupper()):
            continue
        padded = blob + "=" * (-len(blob) % 4)
        try:
            raw = base64.b64decode(padded, altchars=b"-_" if ("-" in blob or "_" in blob) else None, validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = _printable_text(raw)
        if decoded is not None:
            found.append(DecodedText("base64", decoded))
        if len(found) >= _MAX_CANDIDATES:
            break
    return found


def _hex_payloads(text: str) -> list[DecodedText]:
    found: list[DecodedText] = []
    for match in _HEX_RUN.finditer(text):
        digits = _HEX_SEPARATORS.sub("", match.group(0))
        if len(digits) % 2:
            digits = digits[:-1]
        try:
            decoded = _printable_text(bytes.fromhex(digits))
        except ValueError:
            continue
        if decoded is not None:
            found.append(DecodedText("hex", decoded))
        if len(found) >= _MAX_CANDIDATES:
            break
    return found


def _morse(text: str) -> str | None:
    stripped = text.strip()
    if len(stripped) < 20:
        return None
    morse_chars = sum(stripped.count(char) for char in ".-/ \n")  # str.count: fast on long texts
    if morse_chars / len(stripped) < 0.9:
        return None
    words = [
        "".join(_MORSE.get(code, "") for code in word.split())
        for word in _MORSE_WORD_GAP.split(stripped)
    ]
    return " ".join(word for word in words if word) or None


def decoded_payloads(text: str) -> list[DecodedText]:
    """Plausible hidden texts inside ``text`` (already lower-cased for the rot13/reversed/leet tests)."""
    found = _base64_payloads(text) + _hex_payloads(text)
    morse = _morse(text)
    if morse is not None:
        found.append(DecodedText("morse", morse))
    lowered = text.lower()
    if any(tell in lowered for tell in _ROT13_TELLS):
        found.append(DecodedText("rot13", codecs.decode(lowered[:_MAX_ROT13_CHARS], "rot13")))
    if any(tell in lowered for tell in _REVERSED_TELLS):
        found.append(DecodedText("reversed", lowered[::-1]))
    # A whole text in leetspeak is short; a long one with a few leet words ("l33t h4x0r") is not encoded.
    if len(lowered) <= _MAX_LEET_CHARS and _LEET_TOKEN.search(lowered):
        deleeted = _LEET_TOKEN.sub(lambda m: m.group(0).translate(_LEET), lowered)
        if deleeted != lowered:
            found.append(DecodedText("leetspeak", deleeted))
    return found
