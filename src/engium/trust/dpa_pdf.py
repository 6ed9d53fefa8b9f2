"""The DPA as a PDF, with fpdf2 (pure Python): the same lines as the HTML page, then the version's SHA-256,
signing key and signature, so that a printed copy can be matched with the stored, signed version.

The built-in PDF fonts cover Latin-1 only; other characters (a business name in another script) are shown
as "?" in the PDF. The signed JSON and the HTML page keep them exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

# Typographic characters outside Latin-1 that the documents use, as their plain equivalents.
PLAIN = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                       "\u2026": "...", "\u2192": "->"})


def _latin1(text: str) -> str:
    return text.translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


def render_pdf(document: Mapping[str, Any], *, version: int, sha256: str, key_id: str, signature: str,
               business: str) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_latin1(f"Data Processing Agreement - {business} - version {version}"))
    pdf.set_creator("Engium")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.multi_cell(0, 8, _latin1(f"Data Processing Agreement: {business}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=9)
    pdf.multi_cell(0, 5, _latin1(f"Version {version}, generated {document['generated_at']} from the running "
                                 "system. Art. 28 GDPR; clauses after Commission Implementing Decision (EU) "
                                 "2021/915."), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for section in document["sections"]:
        pdf.ln(3)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.multi_cell(0, 7, _latin1(section["title"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=9)
        for line in section["lines"]:
            pdf.multi_cell(0, 5, _latin1(f"- {line}"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("Courier", size=7)
    for line in (f"SHA-256 of the signed document: {sha256}", f"Ed25519 key id: {key_id}",
                 f"Signature (base64): {signature}"):
        pdf.multi_cell(0, 4, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
