"""From an uploaded or pasted source to the plain text that is chunked, embedded and quoted.

Pure functions, no I/O. Every parser ends in :func:`clean_text`, so chunk offsets always index into
the same normalised text that is stored with the document: a citation's ``text[start:end]`` is exactly
what was embedded. Refusals raise :class:`UnreadableDocument` or :class:`UnsupportedSource` with a
message meant for the person who uploaded the file (never the file's content).
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from html.parser import HTMLParser
from pathlib import PurePosixPath
from typing import Any

# A PDF's text is read page by page; a document this long is a book, not a front-desk knowledge base,
# and pypdf's time grows with it.
MAX_PDF_PAGES = 500
MAX_FAQ_ENTRIES = 2_000
MAX_FAQ_QUESTION_CHARS = 1_000
MAX_FAQ_ANSWER_CHARS = 10_000


class SourceKind(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"
    FAQ = "faq"


class UnreadableDocument(ValueError):
    """The source is of a supported kind but cannot be turned into text (corrupt, encrypted, empty)."""


class UnsupportedSource(ValueError):
    """Neither the file name nor the content type names a kind we can read."""


@dataclass(frozen=True)
class ParsedDocument:
    text: str
    # Spans of ``text`` that are chunked each on its own (one FAQ entry: a question and its answer).
    # Empty: the whole text is one flow and chunk boundaries are chosen freely.
    sections: tuple[tuple[int, int], ...] = field(default=())


# --- kinds of uploads -----------------------------------------------------------------------------

_EXTENSIONS = {
    ".txt": SourceKind.TEXT,
    ".text": SourceKind.TEXT,
    ".md": SourceKind.MARKDOWN,
    ".markdown": SourceKind.MARKDOWN,
    ".html": SourceKind.HTML,
    ".htm": SourceKind.HTML,
    ".xhtml": SourceKind.HTML,
    ".pdf": SourceKind.PDF,
    # A JSON upload is an FAQ: a list of {"question", "answer"} objects.
    ".json": SourceKind.FAQ,
}
_CONTENT_TYPES = {
    "text/plain": SourceKind.TEXT,
    "text/markdown": SourceKind.MARKDOWN,
    "text/x-markdown": SourceKind.MARKDOWN,
    "text/html": SourceKind.HTML,
    "application/xhtml+xml": SourceKind.HTML,
    "application/pdf": SourceKind.PDF,
    "application/json": SourceKind.FAQ,
}


def kind_for_upload(filename: str | None, content_type: str | None) -> SourceKind:
    """The kind named by the file's extension, else by its content type (browsers often send
    ``application/octet-stream`` or ``text/plain`` for markdown, so the extension wins)."""
    suffix = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()
    if suffix in _EXTENSIONS:
        return _EXTENSIONS[suffix]
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type in _CONTENT_TYPES:
        return _CONTENT_TYPES[media_type]
    supported = ", ".join(sorted(_EXTENSIONS))
    raise UnsupportedSource(f"unsupported file type; upload one of {supported} (or set source_kind)")


# --- text normalisation ---------------------------------------------------------------------------

# Control and format characters (zero-width spaces, bidi overrides, Unicode tag characters, soft
# hyphens) are invisible to a reader but not to a model or a tokenizer: hidden text is dropped here.
_LINE_SEPARATORS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\t": " ", "\f": "\n\n", "\v": "\n"})
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _visible(ch: str) -> bool:
    return ch == "\n" or unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"}


def clean_text(text: str) -> str:
    """NFC, one kind of line break, no invisible characters, single spaces, at most one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).translate(_LINE_SEPARATORS)
    if not text.isascii() or any(ord(c) < 32 and c != "\n" for c in text):
        text = "".join(ch for ch in text if _visible(ch))
    text = _SPACES.sub(" ", text)
    lines = [line.strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a byte order mark); else Windows-1252, what older editors still write.
    Bytes that are neither (binary files, NULs) are refused."""
    if b"\x00" in data:
        raise UnreadableDocument("the file is not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableDocument("the file is not UTF-8 text") from exc


# --- HTML -----------------------------------------------------------------------------------------

# Elements whose content is never visible text.
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "canvas", "select"}
)
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "dd", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
        "caption",
    }
)


class _TextExtractor(HTMLParser):
    """Visible text with paragraph breaks at block elements; scripts, styles and the head are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skip_stack: list[str] = []
        self.pre_depth = 0
        self.trailing_newlines = 0

    def _emit(self, text: str) -> None:
        if text:
            self.pieces.append(text)
            stripped = text.rstrip("\n")
            self.trailing_newlines = len(text) - len(stripped) + (self.trailing_newlines if not stripped else 0)

    def _break(self, newlines: int) -> None:
        """At least this many line breaks here (2: a paragraph), never more for nested blocks."""
        if self.pieces and self.trailing_newlines < newlines:
            self._emit("\n" * (newlines - self.trailing_newlines))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_stack == ["head"] and tag == "body":
            self.skip_stack.clear()  # </head> is optional: <body> ends the head
        if self.skip_stack:
            if tag == self.skip_stack[-1] or (tag in _SKIPPED and tag not in _VOID):
                self.skip_stack.append(tag)
            return
        if tag in _SKIPPED:
            self.skip_stack.append(tag)
            return
        if tag == "br":
            self._emit("\n")
        elif tag == "tr":
            self._break(1)
        elif tag in ("td", "th"):
            self._emit(" ")
        elif tag == "li":
            self._break(1)  # list items on lines of their own, without blank lines between
            self._emit("- ")
        elif tag in _BLOCKS:
            self._break(2)
        if tag == "pre":
            self.pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/> and friends: the same as an opening tag, but nothing to close.
        if tag in _SKIPPED:
            return
        self.handle_starttag(tag, attrs)
        if tag == "pre":
            self.pre_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip_stack:
            if tag == self.skip_stack[-1]:
                self.skip_stack.pop()
            return
        if tag == "pre" and self.pre_depth:
            self.pre_depth -= 1
        if tag in _BLOCKS:
            self._break(2)
        elif tag in ("tr", "li"):
            self._break(1)

    def handle_data(self, data: str) -> None:
        if self.skip_stack:
            return
        if self.pre_depth:
            self._emit(data)
            return
        # Outside <pre>, source line breaks are just spaces, as a browser renders them; whitespace
        # between two blocks (the newline between </li> and <li>) is no text at all.
        collapsed = re.sub(r"\s+", " ", data)
        if collapsed == " " and (not self.pieces or self.trailing_newlines):
            return
        self._emit(collapsed)


def html_to_text(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return clean_text("".join(extractor.pieces))


# --- the kinds ------------------------------------------------------------------------------------


def parse_text(text: str) -> ParsedDocument:
    return ParsedDocument(clean_text(text))


def parse_html(html: str) -> ParsedDocument:
    return ParsedDocument(html_to_text(html))


def parse_markdown(markdown: str) -> ParsedDocument:
    """Rendered by markdown-it (CommonMark, with tables) and read back as HTML text: markup, link
    targets and image references disappear, list items and headings become their own lines. Raw HTML
    inside the markdown goes through the same extractor, so a <script> in it is dropped, not kept."""
    from markdown_it import MarkdownIt

    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return ParsedDocument(html_to_text(renderer.render(markdown)))


def parse_pdf(data: bytes) -> ParsedDocument:
    """The text layer of each page (pypdf), pages separated by a blank line. Scanned PDFs have no text
    layer and are refused: OCR is not done here."""
    from pypdf import PdfReader

    if not data.lstrip()[:5] == b"%PDF-":
        raise UnreadableDocument("the file is not a PDF (it does not start with %PDF-)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("the PDF is password-protected; upload an unprotected copy")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UnreadableDocument(f"the PDF has more than {MAX_PDF_PAGES} pages; split it")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except Exception as exc:
        # pypdf signals a malformed file with many exception types (its own, but also ValueError,
        # KeyError, RecursionError...). Whatever the cause, the file is unreadable, not our fault.
        raise UnreadableDocument("the PDF could not be read (damaged or unsupported)") from exc
    text = clean_text("\n\n".join(pages))
    if not text:
        raise UnreadableDocument("the PDF has no text layer (a scan?); upload a PDF with selectable text")
    return ParsedDocument(text)


_FAQ_LABEL = re.compile(r"^\s*(q|question|a|answer)\s*[:.)]\s?", re.IGNORECASE)


def _faq_pairs_from_json(data: Any) -> list[tuple[str, str]]:
    entries = data.get("entries") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise UnreadableDocument('an FAQ in JSON is a list of {"question": ..., "answer": ...} objects')
    pairs = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise UnreadableDocument(f"FAQ entry {index} is not an object")
        question, answer = entry.get("question", entry.get("q")), entry.get("answer", entry.get("a"))
        if not isinstance(question, str) or not isinstance(answer, str):
            raise UnreadableDocument(f'FAQ entry {index} needs a "question" and an "answer" string')
        pairs.append((question, answer))
    return pairs


def _faq_pairs_from_text(text: str) -> list[tuple[str, str]]:
    """Blocks of ``Q: ...`` then ``A: ...`` lines; a question or answer may run over several lines."""
    pairs: list[tuple[str, str]] = []
    question: list[str] | None = None
    answer: list[str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        label = _FAQ_LABEL.match(line)
        kind = label.group(1).lower()[0] if label else None
        rest = line[label.end():] if label else line
        if kind == "q":
            if question is not None:
                if answer is None:
                    raise UnreadableDocument(f"FAQ line {number}: a question follows a question without an answer")
                pairs.append(("\n".join(question), "\n".join(answer)))
            question, answer = [rest], None
        elif kind == "a":
            if question is None or answer is not None:
                raise UnreadableDocument(f"FAQ line {number}: an answer without a question before it")
            answer = [rest]
        elif answer is not None:
            answer.append(line)
        elif question is not None:
            question.append(line)
        elif line.strip():
            raise UnreadableDocument(f"FAQ line {number}: text before the first 'Q:' line")
    if question is not None:
        if answer is None:
            raise UnreadableDocument("the last FAQ question has no answer")
        pairs.append(("\n".join(question), "\n".join(answer)))
    return pairs


def parse_faq(source: str) -> ParsedDocument:
    """Question/answer pairs, from JSON (``[{"question", "answer"}]``) or ``Q:``/``A:`` text. Each pair
    becomes one section, ``Q: question\\nA: answer``, and so one chunk (split only when very long)."""
    stripped = source.strip()
    if stripped.startswith(("[", "{")):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise UnreadableDocument(f"the FAQ is not valid JSON (line {exc.lineno}, column {exc.colno})") from exc
        pairs = _faq_pairs_from_json(data)
    else:
        pairs = _faq_pairs_from_text(stripped)
    if len(pairs) > MAX_FAQ_ENTRIES:
        raise UnreadableDocument(f"an FAQ holds at most {MAX_FAQ_ENTRIES} entries")
    parts: list[str] = []
    sections: list[tuple[int, int]] = []
    offset = 0
    for index, (raw_question, raw_answer) in enumerate(pairs):
        question, answer = clean_text(raw_question), clean_text(raw_answer)
        if not question or not answer:
            raise UnreadableDocument(f"FAQ entry {index + 1} has an empty question or answer")
        if len(question) > MAX_FAQ_QUESTION_CHARS or len(answer) > MAX_FAQ_ANSWER_CHARS:
            raise UnreadableDocument(
                f"FAQ entry {index + 1} is too long (questions up to {MAX_FAQ_QUESTION_CHARS} characters, "
                f"answers up to {MAX_FAQ_ANSWER_CHARS})"
            )
        entry = f"Q: {question}\nA: {answer}"
        if parts:
            offset += 2  # the blank line between entries
        sections.append((offset, offset + len(entry)))
        parts.append(entry)
        offset += len(entry)
    if not sections:
        raise UnreadableDocument("no question/answer pairs found: use 'Q:' and 'A:' lines or a JSON list")
    return ParsedDocument("\n\n".join(parts), tuple(sections))


def parse(kind: SourceKind, source: bytes | str) -> ParsedDocument:
    """Any supported kind; ``source`` is the uploaded bytes or the pasted text."""
    if kind is SourceKind.PDF:
        if isinstance(source, str):
            raise UnreadableDocument("a PDF must be uploaded as a file, not sent as text")
        return parse_pdf(source)
    text = decode_text(source) if isinstance(source, bytes) else source
    if kind is SourceKind.FAQ:
        return parse_faq(text)
    if kind is SourceKind.HTML:
        return parse_html(text)
    if kind is SourceKind.MARKDOWN:
        return parse_markdown(text)
    return parse_text(text)
