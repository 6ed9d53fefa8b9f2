"""The grounded responder's pure parts: hours read from what businesses type, FAQ matching, quoting.
(The hours answer itself is specified through the widget in test_hours_answers.py.)"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import time

from engium.assistant.grounded import extractive_answer, faq_answer
from engium.bookings.opening_hours import settings_hours


def test_opening_hours_are_read_in_the_shapes_businesses_type_them() -> None:
    hours = settings_hours({
        "monday": "9-17:30", "tue": "09:00 - 12:00, 13:00 - 18:00", "3": ["09:00-12:00", "14:00-18:00"],
        "fri": {"open": "10:00", "close": "16:00"}, "sat": "closed", "sun": "", "holidays": "closed", "thu": "ask",
    })
    assert hours == {
        0: [(time(9), time(17, 30))],
        1: [(time(9), time(12)), (time(13), time(18))],
        3: [(time(9), time(12)), (time(14), time(18))],
        4: [(time(10), time(16))],
        5: [],
        6: [],
    }


FAQS = (("Is there parking?", "Yes, behind the salon."), ("Do you take walk-ins?", "Yes, when a stylist is free."))


def test_faq_questions_match_by_their_content_words() -> None:
    found = faq_answer("is there any parking nearby", FAQS)
    assert found is not None
    assert (found.text, found.sources) == ("Yes, behind the salon.", ("faq:0",))
    assert faq_answer("walk-ins?", FAQS) is not None
    assert faq_answer("do you sell shampoo", FAQS) is None
    assert faq_answer("hi", FAQS) is None


@dataclass(frozen=True)
class Chunk:
    document_id: uuid.UUID
    document_title: str
    chunk_id: uuid.UUID
    content: str
    score: float = 0.03


def test_the_best_matching_sentences_are_quoted_with_the_document_title() -> None:
    chunk = Chunk(uuid.uuid4(), "Aftercare", uuid.uuid4(),
                  "Colour care. Wait 48 hours before washing coloured hair. Rinse with cool water.")
    noise = Chunk(uuid.uuid4(), "Prices", uuid.uuid4(), "A haircut costs £30.")
    found = extractive_answer("when can I wash my coloured hair?", [noise, chunk])
    assert found is not None
    assert found.text == 'From "Aftercare": Wait 48 hours before washing coloured hair.'
    assert found.sources == (f"chunk:{chunk.chunk_id}", f"document:{chunk.document_id}")
    assert extractive_answer("do you sell gift vouchers", [noise, chunk]) is None
