"""A rough guess of a text's language, for reporting recall and false positives per language.

Not a language identifier: the script decides for the languages with their own (Chinese and Japanese by
kana, Korean, Arabic, Hindi by Devanagari, Thai, Russian for Cyrillic, Greek, Hebrew), and for Latin-script
text the language whose common function words occur most often, English when none stands out. Good enough
to split an evaluation by language; rows that say their language (``"lang"``) keep theirs.
"""



# ruff: noqa: RUF001  (Turkish dotless i in its word and letter lists)

from __future__ import annotations

import re
from collections import Counter

# Frequent words, each chosen to be rare in the other listed languages (a few overlaps cost little).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {lang: frozenset(words.split()) for lang, words in {
    "en": "the and you your is are to of for with this that what can please my have not",
    "es": """el la los las que de por para una con mi tu es está usted puedo quiero gracias del al
        tienen hay llego lo le se mis sus pero como cuánto cuándo dónde hola""",
    "fr": """le la les des est une pour dans vous je pas avec sur qui mon votre merci du au ai ce cette
        ou mais nous sont avez pouvez bonjour combien j l d qu tu te ne""",
    "de": """der die das und ist nicht ich mit sie ein eine zu auf für den dem bitte ihr ab auch mein
        meine kann können wir haben hallo wann""",
    "it": """il di che per sono non gli della tuo mio questo ciao grazie vorrei posso lo le un una ho
        avete potete mi ci quanto quando dove""",
    "pt": """não uma você para com os seu sua da meu obrigado olá quero posso vocês um ao pelo pela tem
        têm podem minha""",
    "nl": """het een en van je niet ik dat op voor met jullie zijn naar mijn graag is wat hoe kan
        kunnen heb hebben ook nog""",
    "pl": "nie jest się że jak czy mój moje proszę dzień dobry mogę dla w z mam macie jestem",
    "tr": "ve bir bu için ile değil ben mi mı misiniz lütfen merhaba teşekkürler var ne nasıl bana",
    "vi": "tôi bạn không của và các những được có là",
    "id": "dan yang untuk ini itu saya anda tidak bisa dengan",
    "sv": "och att det är jag inte på för med som har",
}.items()}
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("he", re.compile(r"[\u0590-\u05ff]")),
)
# Letters that only some of the languages use: each occurrence counts like a function word.
_LETTERS: dict[str, str] = {"es": "ñ¿¡", "pt": "ãõ", "de": "ßäöü", "fr": "èêëîœùàç", "pl": "łśźżąęćń",
                            "tr": "ğşı", "vi": "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư"}
_WORD = re.compile(r"[^\W\d_]+")
_SCRIPT_SHARE = 0.2  # of the letters: a few Cyrillic look-alikes in English do not make it Russian


def guess_language(text: str) -> str:
    sample = text[:2_000]
    letter_count = sum(1 for c in sample if c.isalpha()) or 1
    for lang, pattern in _SCRIPTS:
        if len(pattern.findall(sample)) / letter_count >= _SCRIPT_SHARE:
            return lang
    counts: Counter[str] = Counter()
    for word in _WORD.findall(sample.lower()):
        for lang, words in _FUNCTION_WORDS.items():
            if word in words:
                counts[lang] += 1
    for lang, distinctive in _LETTERS.items():
        counts[lang] += sum(sample.count(letter) for letter in distinctive)
    counts = +counts  # drop zero counts
    if not counts:
        return "en"
    best, hits = counts.most_common(1)[0]
    return best if hits > counts.get("en", 0) else "en"
