"""Look-alike spellings folded back to plain Latin, for matching only (never shown to anyone).

After NFKC (which already maps full-width and most stylised letters to ASCII) the remaining disguises are
homoglyphs from other scripts (Cyrillic "о" for Latin "o" in "ignоre") and letters spaced or dotted apart
("i g n o r e", "s.y.s.t.e.m"). Folding a genuinely Russian or Greek text produces Latin gibberish that
no English rule matches, so the folded view can be checked with the English rules unconditionally, while
the rules for those languages look at the unfolded text.
"""

# ruff: noqa: RUF001, RUF002  (look-alike and invisible characters are this module's subject)

from __future__ import annotations

import re

# Cyrillic and Greek letters whose usual glyphs are indistinguishable (or nearly) from Latin ones. This is
# a hand-picked subset of Unicode's confusables.txt: only letters, only the ones attackers actually use.
_CONFUSABLES = {
    # Cyrillic lower case
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w",
    "һ": "h", "ɡ": "g", "ո": "n", "ս": "u", "ⅼ": "l", "ӏ": "l", "г": "r", "п": "n", "ь": "b",
    # Cyrillic upper case
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Һ": "H", "Ӏ": "I",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "γ": "y", "η": "n", "ω": "w", "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I",
    "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin letters outside ASCII that NFKC leaves alone
    "ı": "i", "ȷ": "j", "ſ": "s", "ƅ": "b", "ɑ": "a", "ɩ": "i", "ʏ": "y", "ᴀ": "a", "ʀ": "r", "ᴇ": "e",
    "ɪ": "i", "ᴏ": "o", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴡ": "w", "ᴢ": "z", "ɢ": "g", "ʜ": "h", "ʟ": "l",
    "ɴ": "n", "ᴍ": "m", "ᴋ": "k", "ᴄ": "c", "ᴅ": "d", "ᴘ": "p", "ᴠ": "v",
    # Greek lunate sigma, which NFKC keeps
    "Ϲ": "C", "ϲ": "c",
    # Cherokee capitals (their lower-case forms are added below)
    "Ꭺ": "A", "Ᏼ": "B", "Ꮯ": "C", "Ꭰ": "D", "Ꭼ": "E", "Ꮐ": "G", "Ꮆ": "G", "Ꮋ": "H", "Ꭵ": "i", "Ꭻ": "J",
    "Ꮶ": "K", "Ꮮ": "L", "Ꮇ": "M", "Ꮲ": "P", "Ꭱ": "R", "Ꮢ": "R", "Ꮪ": "S", "Ꮥ": "S", "Ꭲ": "T", "Ꮩ": "V",
    "Ꮃ": "W", "Ꮤ": "W", "Ꭹ": "Y", "Ꮍ": "Y", "Ꮓ": "Z",
    # Lisu, a favourite of homoglyph generators: every letter is a Latin capital's twin
    "ꓮ": "A", "ꓐ": "B", "ꓚ": "C", "ꓓ": "D", "ꓰ": "E", "ꓝ": "F", "ꓖ": "G", "ꓧ": "H", "ꓲ": "I", "ꓙ": "J",
    "ꓗ": "K", "ꓡ": "L", "ꓟ": "M", "ꓠ": "N", "ꓳ": "O", "ꓑ": "P", "ꓣ": "R", "ꓢ": "S", "ꓔ": "T", "ꓴ": "U",
    "ꓦ": "V", "ꓪ": "W", "ꓫ": "X", "ꓬ": "Y", "ꓜ": "Z",
}
# Cherokee small letters (U+AB70-ABBF) look like small capitals of the same Latin letters.
_CONFUSABLES.update({
    source.lower(): target.lower()
    for source, target in list(_CONFUSABLES.items())
    if "\u13a0" <= source <= "\u13f5" and source.lower() != source
})
_FOLD_TABLE = str.maketrans(_CONFUSABLES)

# Characters a look-alike letter may stand for, for building marker patterns (see ``spelled``).
_LOOKALIKES_OF: dict[str, str] = {}
for _source, _target in _CONFUSABLES.items():
    _LOOKALIKES_OF[_target.lower()] = _LOOKALIKES_OF.get(_target.lower(), "") + _source

# Four or more single letters separated by one space, dot, dash, underscore or asterisk: "i g n o r e".
_SPACED_LETTERS = re.compile(r"(?<![^\W\d_])(?:[^\W\d_][ .\-_*/|]){3,}[^\W\d_](?![^\W\d_])")
_SPACED_SEPARATORS = re.compile(r"[ .\-_*/|]")


def fold_lookalikes(text: str) -> str:
    """Replace Cyrillic, Greek, Cherokee, Lisu and small-capital look-alikes with the Latin letters they imitate.

    Fold before lower-casing: a Greek capital Nu imitates "N", while its lower case imitates "v".
    """
    return text if text.isascii() else text.translate(_FOLD_TABLE)


def join_spaced_letters(text: str) -> str:
    """Glue letters that were spaced apart back into words: "i g n o r e" becomes "ignore"."""
    return _SPACED_LETTERS.sub(lambda m: _SPACED_SEPARATORS.sub("", m.group(0)), text)


def spelled(word: str, *, gaps: bool = True) -> str:
    """A regex matching ``word`` case-insensitively in Latin or look-alike letters, optionally spaced out.

    Non-letters in ``word`` are matched literally; with ``gaps`` up to two spaces, dots, dashes or
    underscores may separate consecutive characters ("s y s t e m", "S.Y.S").
    """
    parts: list[str] = []
    for char in word:
        if char.isalpha():
            variants = char.lower() + char.upper() + _LOOKALIKES_OF.get(char.lower(), "")
            parts.append("[" + re.escape("".join(dict.fromkeys(variants))) + "]")
        else:
            parts.append(re.escape(char))
    gap = r"[ .\-_]{0,2}" if gaps else ""
    return gap.join(parts)
