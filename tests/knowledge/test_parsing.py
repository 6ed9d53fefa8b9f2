"""Every supported kind becomes clean plain text; what cannot be read is refused with a clear reason."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from engium.knowledge.parsing import (
    ParsedDocument,
    SourceKind,
    UnreadableDocument,
    UnsupportedSource,
    clean_text,
    kind_for_upload,
    parse,
)
from tests.knowledge.sample_files import minimal_pdf


def test_plain_text_is_normalised_but_keeps_its_paragraphs() -> None:
    raw = "Caf\u0065\u0301 hours\r\n\r\n\r\n\r\nWe   open\tat nine.\u200b\u202e\U000e0041 \x00\nBye  "
    assert parse(SourceKind.TEXT, raw) == ParsedDocument("Café hours\n\nWe open at nine.\nBye")


def test_text_uploads_are_utf8_or_windows_1252_and_never_binary() -> None:
    assert parse(SourceKind.TEXT, "\ufeffPrix: 30 €".encode()).text == "Prix: 30 €"
    assert parse(SourceKind.TEXT, "Prix: 30 \x80".encode("latin-1")).text == "Prix: 30 €"
    with pytest.raises(UnreadableDocument, match="not text"):
        parse(SourceKind.TEXT, b"\x89PNG\r\n\x1a\n\x00\x00")


def test_markdown_loses_its_markup_but_not_its_structure() -> None:
    markdown = (
        "# Opening hours\n\nWe open **Monday to Saturday** at [nine](https://example.com/hours).\n\n"
        "- Haircut: 30 EUR\n- Beard trim: 15 EUR\n\n![logo](logo.png)\n\n"
        "| Service | Price |\n|---|---|\n| Colour | 60 |\n\n"
        "<script>steal()</script>\n\n> Quoted *policy*.\n\n`code`\n"
    )
    text = parse(SourceKind.MARKDOWN, markdown).text
    assert text == (
        "Opening hours\n\nWe open Monday to Saturday at nine.\n\n- Haircut: 30 EUR\n- Beard trim: 15 EUR\n\n"
        "Service Price\nColour 60\n\nQuoted policy.\n\ncode"
    )


def test_html_keeps_visible_text_only() -> None:
    html = """<!doctype html><html><head><title>Salon</title><style>p{color:red}</style>
    <script>var secret = "x";</script></head><body><nav><a href="/">Home</a></nav>
    <h1>Prices</h1><p>Haircut&nbsp;is <b>30&nbsp;&euro;</b>,<br>beard trim 15.</p>
    <ul><li>Cash</li><li>Card</li></ul><noscript>Enable JS</noscript><template><p>hidden</p></template>
    <pre>Mon  9-18
Tue  9-18</pre></body></html>"""
    text = parse(SourceKind.HTML, html).text
    assert text == "Home\n\nPrices\n\nHaircut is 30 €,\nbeard trim 15.\n\n- Cash\n- Card\n\nMon 9-18\nTue 9-18"
    for invisible in ("secret", "color", "Enable JS", "hidden"):
        assert invisible not in text


def test_html_without_a_closing_head_still_shows_its_body() -> None:
    assert parse(SourceKind.HTML, "<html><head><title>t</title><body><p>Visible</p>").text == "Visible"


def test_pdf_text_layer_page_by_page() -> None:
    pdf = minimal_pdf([["Opening hours (all week):", "Mon-Fri 9 to 18."], ["Prices", "Haircut 30 EUR"]])
    assert parse(SourceKind.PDF, pdf).text == "Opening hours (all week):\nMon-Fri 9 to 18.\n\nPrices\nHaircut 30 EUR"


def test_pdfs_that_cannot_be_read_are_refused_with_a_reason() -> None:
    with pytest.raises(UnreadableDocument, match="not a PDF"):
        parse(SourceKind.PDF, b"hello")
    with pytest.raises(UnreadableDocument, match="could not be read"):
        parse(SourceKind.PDF, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage")
    with pytest.raises(UnreadableDocument, match="no text layer"):
        parse(SourceKind.PDF, minimal_pdf([[]]))
    with pytest.raises(UnreadableDocument, match="as a file"):
        parse(SourceKind.PDF, "%PDF-1.4 pasted as text")

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(minimal_pdf([["Secret prices"]]))))
    writer.encrypt(user_password="pw", owner_password="owner-pw", algorithm="AES-256")
    encrypted = io.BytesIO()
    writer.write(encrypted)
    with pytest.raises(UnreadableDocument, match="password"):
        parse(SourceKind.PDF, encrypted.getvalue())


def test_faq_from_question_and_answer_lines_one_section_per_pair() -> None:
    source = "Q: When do you open?\nA: At nine.\nOn Sundays at ten.\n\nquestion: Parking?\nanswer: Free."
    parsed = parse(SourceKind.FAQ, source)
    assert parsed.text == "Q: When do you open?\nA: At nine.\nOn Sundays at ten.\n\nQ: Parking?\nA: Free."
    assert [parsed.text[a:b] for a, b in parsed.sections] == [
        "Q: When do you open?\nA: At nine.\nOn Sundays at ten.",
        "Q: Parking?\nA: Free.",
    ]


def test_faq_from_json() -> None:
    parsed = parse(SourceKind.FAQ, '[{"question": "Card?", "answer": "Yes."}, {"q": "Dogs?", "a": "Small ones."}]')
    assert parsed.text == "Q: Card?\nA: Yes.\n\nQ: Dogs?\nA: Small ones."
    assert len(parsed.sections) == 2
    assert parse(SourceKind.FAQ, '{"entries": [{"question": "Card?", "answer": "Yes."}]}').text == "Q: Card?\nA: Yes."


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("Just some text", "before the first"),
        ("Q: Open?\nQ: Closed?\nA: x", "without an answer"),
        ("A: Orphan answer", "without a question"),
        ("Q: Unanswered?", "no answer"),
        ("[{\"question\": \"x\"}]", "needs a"),
        ("[1, 2]", "not an object"),
        ("{\"entries\": 3}", "list of"),
        ("[{\"question\": \"x\",", "not valid JSON"),
        ("[]", "no question/answer pairs"),
        ("Q: \u200b\nA: yes", "empty question"),
    ],
)
def test_malformed_faqs_are_refused_with_the_reason(source: str, reason: str) -> None:
    with pytest.raises(UnreadableDocument, match=reason):
        parse(SourceKind.FAQ, source)


@pytest.mark.parametrize(
    ("filename", "content_type", "kind"),
    [
        ("prices.md", "application/octet-stream", SourceKind.MARKDOWN),
        ("PRICES.PDF", None, SourceKind.PDF),
        ("index.htm", "text/plain", SourceKind.HTML),
        ("faq.json", None, SourceKind.FAQ),
        ("notes", "text/plain; charset=utf-8", SourceKind.TEXT),
        (None, "text/html", SourceKind.HTML),
        ("C:\\docs\\terms.txt", None, SourceKind.TEXT),
    ],
)
def test_upload_kind_comes_from_the_extension_then_the_content_type(
    filename: str | None, content_type: str | None, kind: SourceKind
) -> None:
    assert kind_for_upload(filename, content_type) is kind


def test_unknown_upload_types_are_unsupported() -> None:
    with pytest.raises(UnsupportedSource, match="unsupported file type"):
        kind_for_upload("photo.jpg", "image/jpeg")
    with pytest.raises(UnsupportedSource):
        kind_for_upload(None, None)


def test_clean_text_is_idempotent() -> None:
    once = clean_text(" a \n\n\n b\u00a0c \r\n d ")
    assert once == "a\n\nb c\nd"
    assert clean_text(once) == once
