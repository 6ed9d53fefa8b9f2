"""Settings: the business profile, opening hours and closures, and how the assistant escalates and guards.

Each form sends only its own fields to ``tenancy.service.update_settings`` (``PATCH /api/v1/settings``),
which records one ``setting.updated`` event naming them; closures go through ``bookings.closures`` like
``/api/v1/closures``. Services and staff are web/pages/catalog.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from engium.access.permissions import Permission
from engium.assistant.handover_policy import DEFAULT_POLICY, MAX_MINUTES, MIN_RESPONSE_MINUTES, policy_of
from engium.bookings import closures, hours_coverage
from engium.bookings.closure_schemas import ClosureCreate
from engium.bookings.service import tenant_zone
from engium.kit.transaction import DbSession
from engium.tenancy import service as tenancy
from engium.tenancy.schemas import SettingsUpdate
from engium.web.members import Member, PostedForm, actor, viewer
from engium.web.page_route import FormRejected, PageRoute, attempt, see_other
from engium.web.rendering import render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

Reader = Annotated[Member, viewer(Permission.SETTINGS_WRITE)]
Writer = Annotated[Member, actor(Permission.SETTINGS_WRITE)]
DAYS = (("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"), ("fri", "Friday"),
        ("sat", "Saturday"), ("sun", "Sunday"))
TIMEZONES = sorted(available_timezones())
LANGUAGES = (("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch"), ("pt", "Português"))
PROFILE_FIELDS = ("business_name", "timezone", "language", "phone", "email", "website", "address", "public_base_url")
# The escalation policies (ADR 0037) as the assistant settings page offers them.
POLICY_LABELS = {
    "keep_answering": "Keep answering what it can until a person replies",
    "keep_answering_after_staff": "Keep answering what it can, even after a person has replied",
    "silent_until_handback": "Stay silent until a person hands the conversation back",
}
# Optional text fields: an empty box means "not set" (null), not an empty string.
NOTICES = {"saved": "Saved.", "added": "Closure added.", "deleted": "Closure removed."}
NULLABLE = frozenset({"phone", "email", "website", "address", "public_base_url"})


def _text(form: Any, name: str, limit: int = 4000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


def _hours(opening_hours: dict[str, Any]) -> list[tuple[str, str, bool, str, str]]:
    """(key, label, closed, opens, closes) per day from {"mon": "09:00-18:00", "sun": "closed"}."""
    rows = []
    for key, label in DAYS:
        value = str(opening_hours.get(key) or "closed")
        opens, _, closes = value.partition("-")
        closed = value == "closed" or not closes
        rows.append((key, label, closed, "" if closed else opens, "" if closed else closes))
    return rows


def _page(request: Request, session: Session, tab: str, *, error: str = "", values: dict[str, Any] | None = None,
          status: int = 200) -> HTMLResponse:
    current = tenancy.get_settings(session)
    rules = dict(current.escalation_rules or {})
    notice = NOTICES.get(request.query_params.get("done") or "", "")
    hours_tab: dict[str, Any] = {}
    if tab == "hours":
        today = datetime.now(UTC).astimezone(tenant_zone(session)).date()
        hours_tab = {"closures": closures.list_closures(session, from_date=today), "today": today,
                     "warnings": hours_coverage.warnings(session)}
    return render(request, f"settings_{tab}.html", {
        **hours_tab,
        "tab": tab, "settings": current, "values": values or {}, "error": error, "notice": notice,
        "timezones": TIMEZONES, "languages": LANGUAGES, "hours": _hours(current.opening_hours or {}),
        "keywords": ", ".join(str(k) for k in rules.get("keywords") or []),
        "after_failed_answers": rules.get("after_failed_answers") or "",
        "on_low_confidence": rules.get("on_low_confidence", True) is not False,
        "handover": policy_of(rules), "policies": POLICY_LABELS,
        "has_widget_origins": "widget_allowed_origins" in SettingsUpdate.model_fields,
    }, status=status)


def _save(request: Request, session: Session, member: Member, tab: str, changes: dict[str, Any],
          form: Any) -> Response:
    attempt(
        session,
        lambda: tenancy.update_settings(session, member.principal, SettingsUpdate.model_validate(changes)),
        lambda message: _page(request, session, tab, error=message, values=dict(form)),
    )
    return see_other(f"/settings{'' if tab == 'profile' else '/' + tab}?done=saved")


@router.get("/settings", response_class=HTMLResponse)
def profile(request: Request, member: Reader, session: DbSession) -> Response:
    return _page(request, session, "profile")


@router.post("/settings", response_class=HTMLResponse)
def save_profile(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    changes: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        value = _text(form, name, 500)
        if name == "language" and not value:
            continue  # a form from before the language existed keeps the business's
        changes[name] = None if name in NULLABLE and not value else value
    changes["mfa_required"] = form.get("mfa_required") == "on"
    return _save(request, session, member, "profile", changes, form)


@router.get("/settings/hours", response_class=HTMLResponse)
def hours(request: Request, member: Reader, session: DbSession) -> Response:
    return _page(request, session, "hours")


@router.post("/settings/hours", response_class=HTMLResponse)
def save_hours(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    opening: dict[str, str] = {}
    for key, _ in DAYS:
        opens, closes = _text(form, f"{key}_opens", 5), _text(form, f"{key}_closes", 5)
        opening[key] = "closed" if form.get(f"{key}_closed") == "on" or not (opens and closes) else f"{opens}-{closes}"
    return _save(request, session, member, "hours", {"opening_hours": opening}, form)


@router.post("/settings/hours/closures", response_class=HTMLResponse)
def add_closure(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    body: dict[str, Any] = {"label": _text(form, "label", 100), "start_date": _text(form, "start_date", 10),
                            "repeats_yearly": form.get("repeats_yearly") == "on"}
    for name in ("end_date", "opens_at", "closes_at"):
        if value := _text(form, name, 10):
            body[name] = value
    attempt(session,
            lambda: closures.create_closure(session, member.principal, ClosureCreate.model_validate(body)),
            lambda message: _page(request, session, "hours", error=message, values=dict(form)))
    return see_other("/settings/hours?done=added#closures")


@router.post("/settings/hours/closures/{closure_id}/delete", response_class=HTMLResponse)
def delete_closure(request: Request, closure_id: UUID, member: Writer, session: DbSession) -> Response:
    attempt(session, lambda: closures.delete_closure(session, member.principal, closure_id),
            lambda message: _page(request, session, "hours", error=message))
    return see_other("/settings/hours?done=deleted#closures")


@router.get("/settings/assistant", response_class=HTMLResponse)
def assistant(request: Request, member: Reader, session: DbSession) -> Response:
    return _page(request, session, "assistant")


@router.post("/settings/assistant", response_class=HTMLResponse)
def save_assistant(request: Request, member: Writer, session: DbSession, form: PostedForm) -> Response:
    rules: dict[str, Any] = {"keywords": _lines(_text(form, "keywords")),
                             "on_low_confidence": form.get("on_low_confidence") == "on"}
    policy = _text(form, "policy", 40)
    rules["policy"] = policy if policy in POLICY_LABELS else DEFAULT_POLICY
    for name, label, lowest in (("response_minutes", "Reply target", MIN_RESPONSE_MINUTES),
                                ("follow_up_minutes", "Follow up after", 0)):
        minutes = _text(form, name, 6)
        if not minutes.isdigit() or not lowest <= int(minutes) <= MAX_MINUTES:
            raise FormRejected(_page(request, session, "assistant", values=dict(form), status=422,
                                     error=f"{label}: a whole number of minutes from {lowest} to {MAX_MINUTES}"))
        rules[name] = int(minutes)
    after = _text(form, "after_failed_answers", 3)
    if after:
        if not after.isdigit() or not 1 <= int(after) <= 20:
            raise FormRejected(_page(request, session, "assistant", values=dict(form), status=422,
                                     error="Hand over after: a whole number of answers from 1 to 20"))
        rules["after_failed_answers"] = int(after)
    threshold = _text(form, "guard_threshold", 10)
    changes: dict[str, Any] = {
        "escalation_rules": rules,
        "assistant_persona": _text(form, "assistant_persona"),
        "guard_threshold": threshold or None,
        "link_allow_list": _lines(_text(form, "link_allow_list")),
    }
    if "widget_allowed_origins" in SettingsUpdate.model_fields and form.get("widget_allowed_origins") is not None:
        changes["widget_allowed_origins"] = _lines(_text(form, "widget_allowed_origins"))
    return _save(request, session, member, "assistant", changes, form)
