"""How well a question in Spanish, French, German or Portuguese finds the right passage of an English knowledge
base with the bundled embedding model (all-MiniLM-L6-v2, English-only), as written and after the assistant's
keyword rewrite (assistant/phrase_translation.py). ADR 0038 records the numbers.

    PYTHONPATH=src .venv/bin/python bench/language_retrieval.py

The passages are the demo salon's documents (one per sentence) and FAQ answers; each question has one right
passage. Reported: top-1 and top-3 hit rates per language, for the English original, the question as the
customer wrote it, and the rewrite; plus whether the grounded responder (no model) would answer it.
"""

from __future__ import annotations

import sys

import numpy as np

from engium.ai.embeddings import MiniLMEmbedder
from engium.assistant import grounded, intents
from engium.assistant.phrase_translation import to_english
from engium.demo.seed import FAQS, KNOWLEDGE

VERBOSE = "-v" in sys.argv

# (right passage's first words, English question, {language: question})
QUESTIONS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("Children under 12", "Do children get a discount?", {
        "es": "¿Hacen descuento para niños?", "fr": "Y a-t-il une remise pour les enfants ?",
        "de": "Gibt es Rabatt für Kinder?", "pt": "Há desconto para crianças?"}),
    ("Gift vouchers are sold", "Do you sell gift vouchers?", {
        "es": "¿Venden tarjetas regalo?", "fr": "Vendez-vous des bons cadeaux ?",
        "de": "Verkaufen Sie Gutscheine?", "pt": "Vendem vale-presente?"}),
    ("Pay-and-display parking", "Is there parking?", {
        "es": "¿Hay aparcamiento?", "fr": "Y a-t-il un parking ?", "de": "Gibt es Parkplätze?",
        "pt": "Há estacionamento?"}),
    ("Card or contactless", "How do I pay?", {
        "es": "¿Cómo puedo pagar?", "fr": "Comment puis-je payer ?", "de": "Wie kann ich bezahlen?",
        "pt": "Como posso pagar?"}),
    ("Wait at least 48 hours", "How long should I wait before washing coloured hair?", {
        "es": "¿Cuánto tiempo debo esperar antes de lavar el pelo teñido?",
        "fr": "Combien de temps attendre avant de laver des cheveux colorés ?",
        "de": "Wie lange soll ich warten, bevor ich gefärbte Haare wasche?",
        "pt": "Quanto tempo devo esperar antes de lavar o cabelo pintado?"}),
    ("Guide dogs are welcome", "Can I bring my dog?", {
        "es": "¿Puedo llevar a mi perro?", "fr": "Puis-je venir avec mon chien ?",
        "de": "Darf ich meinen Hund mitbringen?", "pt": "Posso levar o meu cão?"}),
    ("If you are more than 15 minutes late", "What if I am late?", {
        "es": "¿Qué pasa si llego tarde?", "fr": "Que se passe-t-il si je suis en retard ?",
        "de": "Was passiert bei Verspätung?", "pt": "E se eu chegar atrasado?"}),
    ("Yes when a stylist is free", "Do you take walk-ins?", {
        "es": "¿Atienden sin cita?", "fr": "Acceptez-vous les clients sans rendez-vous ?",
        "de": "Kann ich ohne Termin kommen?", "pt": "Atendem sem marcação?"}),
)

# Other wordings of the same questions, written after the keyword table was tuned on QUESTIONS and never
# tuned against: the honest estimate for questions nobody has seen.
HELD_OUT: dict[str, tuple[str, ...]] = {
    "es": ("¿Los niños pagan menos?", "¿Tienen vales regalo?", "¿Dónde puedo aparcar?",
           "¿Aceptan tarjeta?", "¿Cuándo puedo lavarme el pelo después del tinte?", "¿Se admiten perros?",
           "Voy a llegar tarde, ¿pasa algo?", "¿Se puede ir sin cita?"),
    "fr": ("Les enfants paient-ils moins cher ?", "Avez-vous des cartes cadeaux ?", "Où puis-je me garer ?",
           "Acceptez-vous la carte ?", "Quand puis-je laver mes cheveux après une coloration ?",
           "Les chiens sont-ils acceptés ?", "Je vais être en retard, est-ce grave ?",
           "Peut-on venir sans rendez-vous ?"),
    "de": ("Zahlen Kinder weniger?", "Habt ihr Geschenkgutscheine?", "Wo kann ich parken?",
           "Kann ich mit Karte zahlen?", "Wann darf ich nach dem Färben die Haare waschen?", "Sind Hunde erlaubt?",
           "Ich komme zu spät, ist das ein Problem?", "Geht es auch ohne Termin?"),
    "pt": ("As crianças pagam menos?", "Têm cartão presente?", "Onde posso estacionar?",
           "Aceitam cartão?", "Quando posso lavar o cabelo depois da coloração?", "Aceitam cães?",
           "Vou chegar atrasado, há problema?", "Posso ir sem marcação?"),
}


def passages() -> list[str]:
    found = [sentence for _, text in KNOWLEDGE for sentence in grounded.sentences(text)]
    return found + [answer for _, answer in FAQS]


def ranks(embedder: MiniLMEmbedder, texts: list[str], corpus: list[str], vectors: np.ndarray) -> list[int]:
    queries = embedder.embed(texts)
    scores = queries @ vectors.T
    out = []
    for row, (prefix, _, _) in zip(scores, QUESTIONS, strict=True):
        order = [corpus[i] for i in np.argsort(-row)]
        out.append(next(n for n, text in enumerate(order) if text.startswith(prefix)))
    return out


def main() -> None:
    embedder = MiniLMEmbedder()
    corpus = passages()
    vectors = embedder.embed(corpus)
    faqs = tuple(FAQS)

    def line(label: str, found: list[int], answered: int) -> None:
        top1 = sum(r == 0 for r in found)
        top3 = sum(r < 3 for r in found)
        print(f"{label:<24} top-1 {top1}/{len(found)}  top-3 {top3}/{len(found)}  "
              f"grounded answer {answered}/{len(found)}")

    def grounded_answers(texts: list[str]) -> int:
        """Questions the grounded responder (no model) answers with the right passage."""
        docs = [_Doc(text) for text in corpus]
        right = 0
        for text, (prefix, _, _) in zip(texts, QUESTIONS, strict=True):
            reply = grounded.faq_answer(text, faqs) or grounded.extractive_answer(text, docs)
            if reply is not None and prefix in reply.text:
                right += 1
            elif VERBOSE:
                print(f"   missed: {text!r} -> {reply.text if reply else None!r}")
        return right

    english = [q for _, q, _ in QUESTIONS]
    line("en (original)", ranks(embedder, english, corpus, vectors), grounded_answers(english))
    for language in ("es", "fr", "de", "pt"):
        raw = [by_language[language] for _, _, by_language in QUESTIONS]
        rewritten = [to_english(intents.normalise(text), language) for text in raw]
        line(f"{language} as written", ranks(embedder, raw, corpus, vectors), grounded_answers(raw))
        line(f"{language} keyword rewrite", ranks(embedder, rewritten, corpus, vectors), grounded_answers(rewritten))
    print("held out (not tuned against):")
    for language, texts in HELD_OUT.items():
        raw = list(texts)
        rewritten = [to_english(intents.normalise(text), language) for text in raw]
        line(f"{language} as written", ranks(embedder, raw, corpus, vectors), grounded_answers(raw))
        line(f"{language} keyword rewrite", ranks(embedder, rewritten, corpus, vectors), grounded_answers(rewritten))


class _Doc:
    """A passage for the grounded responder (the Passage protocol) made of one corpus sentence."""

    def __init__(self, content: str) -> None:
        import uuid

        self.document_id = uuid.uuid4()
        self.chunk_id = uuid.uuid4()
        self.document_title = "demo"
        self.content = content
        self.score = 1.0


if __name__ == "__main__":
    main()
