"""The Data Processing Agreement (GDPR Art. 28) of the bound tenant, generated from the running system.

It follows the standard contractual clauses of Commission Implementing Decision (EU) 2021/915: a summary of
the clauses, then the annexes the issue names: Annex I (parties; description of the processing, with data
subjects and categories from the personal-data map, purposes from its activities, and retention from the
tenant's settings), Annex II (the technical and organisational measures as queried, ``measures.py``) and
Annex III (the effective subprocessor register, ``register.py``).

The document is plain data: sections of lines. The HTML page, the PDF and the diff between versions are all
drawn from the same lines, so what the owner accepts is what is signed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from engium.privacy.data_map import ACTIVITIES, STORES, DataSubject
from engium.privacy.policy import LIMITS
from engium.trust.register import Entry, Register

FORMAT = "engium-dpa-v1"

SUBJECTS = {
    DataSubject.CUSTOMER: "Customers: people who write to the business (web chat, SMS, WhatsApp) or book with it",
    DataSubject.STAFF: "Staff: the business's members and the people it invites",
    DataSubject.BUSINESS: "The business itself, where its contact details identify a person (a sole trader)",
}
CATEGORY_NAMES = {
    "identity": "names", "contact_details": "phone numbers, e-mail addresses, postal addresses",
    "communications": "messages, their replies and knowledge documents", "appointments": "appointments and notes",
    "network": "IP addresses and user agents", "reference": "pseudonymous ids and hashes that point at a person",
    "credentials": "password, token and second-factor hashes and secrets", "consent": "consent and opt-out records",
    "requests": "data-subject requests and how they were handled",
}

CLAUSES = (
    "Section I. Clause 1 Purpose and scope: these clauses ensure compliance with Art. 28(3) and (4) GDPR.",
    "Clause 2 Invariability: the clauses are not modified, except to add information to the annexes.",
    "Clause 3 Interpretation, Clause 4 Hierarchy: the clauses prevail over conflicting provisions of related "
    "agreements.",
    "Clause 5 Docking clause: further parties may accede by completing the annexes.",
    "Section II. Clause 6 Description of processing: as in Annex I.",
    "Clause 7.1 Instructions: the processor processes personal data only on documented instructions from the "
    "controller.",
    "Clause 7.2 Purpose limitation; 7.3 Duration: for the duration in Annex I, then deletion or return.",
    "Clause 7.4 Security of processing: at least the measures in Annex II; personnel bound to confidentiality.",
    "Clause 7.5 Sensitive data: additional safeguards where special categories are processed.",
    "Clause 7.6 Documentation and compliance: the processor makes available the information needed to "
    "demonstrate compliance and allows audits.",
    "Clause 7.7 Use of sub-processors: general written authorisation for the list in Annex III; new ones are "
    "announced at least {notice_days} days ahead, and the controller may object.",
    "Clause 7.8 International transfers: only on documented instructions and in compliance with Chapter V GDPR.",
    "Clause 8 Assistance to the controller: with data-subject requests, security, breach notification, DPIAs.",
    "Clause 9 Notification of personal data breach: without undue delay after the processor becomes aware.",
    "Section III. Clause 10 Non-compliance with the clauses and termination.",
)


def _subject_lines() -> list[str]:
    subjects = {s for a in ACTIVITIES.values() for s in a.subjects} | {
        f.subject for store in STORES for f in store.personal}
    return [f"Data subjects: {SUBJECTS[s]}" for s in DataSubject if s in subjects]


def _category_lines() -> list[str]:
    where: dict[str, set[str]] = defaultdict(set)
    for store in STORES:
        for field in store.personal:
            where[field.category.value].add(ACTIVITIES[store.activity].name.lower())
    return [f"Personal data: {CATEGORY_NAMES.get(c, c)} ({c}), for {', '.join(sorted(where[c]))}"
            for c in sorted(where)]


def _retention_lines(retention: Mapping[str, Any]) -> list[str]:
    return [f"Retention: {limit.what}: {retention[name]} {limit.unit}" for name, limit in LIMITS.items()
            if name in retention]


def _measure_lines(m: Mapping[str, Any]) -> list[str]:
    rls, enc, audit, guard = m["row_level_security"], m["encryption"], m["audit_log"], m["guard"]
    lines = [
        f"Tenant isolation: row-level security forced on {rls['forced_tables']} of {rls['tables']} tables "
        "(PostgreSQL FORCE ROW LEVEL SECURITY; the application role owns nothing and cannot bypass it)",
        ("Tables without it, none of which has a tenant column: " if not rls["tenant_tables_not_forced"]
         else "Tables without it (TENANT TABLES AMONG THEM: " + ", ".join(rls["tenant_tables_not_forced"]) + "): ")
        + (", ".join(rls["not_forced"]) or "none"),
        f"Encryption at rest of credentials and secrets: {enc['algorithm']}; "
        f"{len(enc['key_versions'])} data-key version(s)",
    ]
    lines += [f"Data key version {v['version']}: {v['state']}, created {v['created_at']}"
              for v in enc["key_versions"]]
    lines.append(f"Last data-key rotation: {enc['last_rotation'] or 'none yet (the first key is in use)'}")
    lines.append("Multi-factor authentication: " + ("required for every member of the business"
                                                    if m["mfa"]["required_for_all_members"]
                                                    else "offered to every member, not enforced by the business"))
    lines.append(f"Audit log: append-only, hash-chained; sealed into Ed25519-signed checkpoints at least every "
                 f"{audit['seal_interval_seconds']:g} seconds, anchored outside the database")
    lines.append(f"Audit log: last signed checkpoint seq {audit['last_checkpoint_seq']} at "
                 f"{audit['last_checkpoint_at']}" if audit["last_checkpoint_seq"] is not None
                 else "Audit log: no checkpoint sealed yet")
    lines.append("Audit log: chain verified when this version was generated: "
                 + ("intact" if audit["verified_ok"] else "BROKEN (see the audit page)"))
    retention = m["retention"]
    lines.append(f"Retention: {retention['runs']} purge batch(es) recorded; last {retention['last_run']}"
                 if retention["runs"] else "Retention: the daily purge has removed nothing yet")
    lines.append(f"Prompt-injection guard: {'on' if guard['enabled'] else 'OFF'}; layers: "
                 f"{', '.join(guard['layers'])}; detection threshold {guard['threshold']:g}")
    return lines


def _subprocessor_line(e: Entry, upcoming: bool = False) -> str:
    when = f"from {e.effective_on.isoformat()}" if upcoming and e.effective_on else (
        f"since {e.since.isoformat()}" if e.since else "since the start of the service")
    return (f"{e.name} ({e.level}): {e.purpose}; receives {', '.join(e.data_categories)}; location "
            f"{e.location}; {when}")


def build_document(*, controller: Mapping[str, str | None], processor: Mapping[str, str], notice_days: int,
                   retention: Mapping[str, Any], measures: Mapping[str, Any], register: Register,
                   now: datetime | None = None) -> dict[str, Any]:
    parties = [
        f"Controller: {controller['name']}" + "".join(f"; {k} {v}" for k, v in controller.items()
                                                      if k != "name" and v),
        f"Processor: {processor['name']}" + (f"; contact {processor['contact']}" if processor.get("contact") else ""),
    ]
    processing = [f"Purpose: {a.name}: {a.purpose}" for a in ACTIVITIES.values()]
    processing.append("Duration: for as long as the business uses the service; then deletion with the tenant")
    annex_three = [_subprocessor_line(e) for e in register.current]
    annex_three += [f"Upcoming: {_subprocessor_line(e, upcoming=True)}" for e in register.upcoming]
    return {
        "format": FORMAT,
        "generated_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "sections": [
            {"id": "clauses", "title": "Data Processing Agreement (Art. 28 GDPR): clauses",
             "lines": [c.format(notice_days=notice_days) for c in CLAUSES]},
            {"id": "annex-1", "title": "Annex I: parties and description of the processing",
             "lines": parties + _subject_lines() + _category_lines() + processing + _retention_lines(retention)},
            {"id": "annex-2", "title": "Annex II: technical and organisational measures",
             "lines": _measure_lines(measures)},
            {"id": "annex-3", "title": "Annex III: sub-processors",
             "lines": annex_three or ["No sub-processors"]},
        ],
        "measures": dict(measures),
        "subprocessors": [e.name for e in register.current],
    }


def text_lines(document: Mapping[str, Any]) -> list[str]:
    """The document as the lines that are shown, printed and compared: titles, then their lines."""
    lines: list[str] = []
    for section in document.get("sections", []):
        lines.append(f"## {section['title']}")
        lines += list(section["lines"])
    return lines
