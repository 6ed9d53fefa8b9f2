"""The satisfaction question asked when a conversation is resolved, and its thanks (analytics/ratings.py)."""

from __future__ import annotations

RATING_PHRASES: dict[str, dict[str, str]] = {
    # SMS and WhatsApp: the answer is a text message holding just the digit.
    "rating_ask_reply": {
        "en": "How did we do? Reply with a number from 1 (poor) to 5 (excellent).",
        "es": "¿Qué tal le hemos atendido? Responda con un número del 1 (mal) al 5 (excelente).",
        "fr": "Comment nous sommes-nous débrouillés ? Répondez par un chiffre de 1 (mauvais) à 5 (excellent).",
        "de": "Wie zufrieden waren Sie? Antworten Sie mit einer Zahl von 1 (schlecht) bis 5 (ausgezeichnet).",
        "pt": "Como foi o nosso atendimento? Responda com um número de 1 (mau) a 5 (excelente).",
    },
    # The website chat shows its own 1-5 buttons under this question.
    "rating_ask_widget": {
        "en": "How did we do? Please rate this conversation from 1 (poor) to 5 (excellent).",
        "es": "¿Qué tal le hemos atendido? Valore esta conversación del 1 (mal) al 5 (excelente).",
        "fr": "Comment nous sommes-nous débrouillés ? Notez cette conversation de 1 (mauvais) à 5 (excellent).",
        "de": "Wie zufrieden waren Sie? Bitte bewerten Sie dieses Gespräch von 1 (schlecht) bis 5 (ausgezeichnet).",
        "pt": "Como foi o nosso atendimento? Avalie esta conversa de 1 (mau) a 5 (excelente).",
    },
    "rating_thanks": {
        "en": "Thank you for your rating!",
        "es": "¡Gracias por su valoración!",
        "fr": "Merci pour votre note !",
        "de": "Vielen Dank für Ihre Bewertung!",
        "pt": "Obrigado pela sua avaliação!",
    },
}
