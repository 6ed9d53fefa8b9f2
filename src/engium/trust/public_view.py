"""The public shapes of a tenant's register: JSON and an Atom 1.0 feed (RFC 4287).

They carry the register and nothing else: the business's display name, the public id already in its URLs,
each subprocessor's name, purpose, location, data categories and dates, and the dated history. No tenant id,
no member, no credential name or setting.

The feed is built with the standard library's ``xml.etree``: Atom needs a dozen elements, and the usual
library (``feedgen``) would bring ``lxml``, a compiled dependency, for them. ``tests/trust`` parses the
feed back and checks the elements RFC 4287 requires.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree

from engium.trust.register import Entry, HistoryEntry, Register

ATOM = "http://www.w3.org/2005/Atom"
FORMAT = "engium-subprocessor-register-v1"
CHANGE_TITLES = {"added": "Added", "removed": "Removed", "announced": "Announced"}


def _entry(e: Entry) -> dict[str, Any]:
    return {
        "name": e.name, "purpose": e.purpose, "location": e.location, "data_categories": list(e.data_categories),
        "level": e.level, "since": e.since.isoformat() if e.since else None,
        "effective_on": e.effective_on.isoformat() if e.effective_on else None,
        "announcement_id": str(e.announcement_id) if e.announcement_id else None,
    }


def _history(h: HistoryEntry) -> dict[str, Any]:
    return {"at": h.occurred_at.isoformat(), "change": h.change, "name": h.name, "level": h.level,
            "reason": h.reason}


def register_json(register: Register, business: str, public_id: str) -> dict[str, Any]:
    return {
        "format": FORMAT, "business": business, "public_id": public_id,
        "generated_at": register.generated_at.isoformat(),
        "current": [_entry(e) for e in register.current],
        "upcoming": [_entry(e) for e in register.upcoming],
        "history": [_history(h) for h in register.history],
    }


def _text(parent: ElementTree.Element, tag: str, value: str, **attributes: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = value
    return element


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def register_atom(register: Register, business: str, page_url: str) -> bytes:
    """One Atom entry per dated change (newest first); upcoming subprocessors appear as "Announced" ones."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", page_url)
    _text(feed, "title", f"Subprocessors of {business}")
    _text(feed, "updated", _stamp(register.updated_at or register.generated_at))
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": page_url + ".atom"})
    ElementTree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": page_url})
    author = ElementTree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", business)
    current = {e.name: e for e in register.current + register.upcoming}
    for h in register.history:
        entry = ElementTree.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"{page_url}#{h.ref}")
        _text(entry, "title", f"{CHANGE_TITLES.get(h.change, h.change)}: {h.name}")
        _text(entry, "updated", _stamp(h.occurred_at))
        ElementTree.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": page_url})
        described = current.get(h.name)
        detail = f" Receives: {', '.join(described.data_categories)}. Where: {described.location}." if described else ""
        _text(entry, "summary", f"{h.reason}.{detail}")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(feed, encoding="unicode")).encode()
