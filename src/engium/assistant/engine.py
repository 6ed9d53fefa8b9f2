"""One turn's decision: from the customer's message (and what is pending) to a reply, a tool, or a person.

:func:`plan_turn` runs inside the short read transaction. It answers facts from structured data, runs
read-only tools (availability, the customer's bookings), looks knowledge up, and leaves anything that
changes data (a booking, a cancellation, a move, a hand-over) as an :data:`~engium.assistant.turn.Action`
for the write transaction to carry out. Which tool runs depends only on the customer's own message and
the engine's stored state, never on retrieved text or a model's output.

:func:`plan_flagged_turn` plans a message the guard's detector flagged: it is answered from facts and
the business's own words (no model), and anything that would use a tool is held back (action_gate.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, time
from typing import Any
from uuid import UUID

from sqlalchemy.orm import Session

from engium.assistant import (
    action_gate,
    booking_changes,
    confirmation_codes,
    customer_data,
    facts,
    grounded,
    hours_answer,
    reminder_replies,
)
from engium.assistant.booking_tools import (
    BookingRequest,
    book_from_pending,
    code_first,
    details_first,
    draft,
    from_draft,
    plan_booking,
)
from engium.assistant.grounded import Passage
from engium.assistant.intents import Intent, IntentKind
from engium.assistant.phrasebook import say
from engium.assistant.service_match import narrow
from engium.assistant.turn import (
    CancelBooking,
    Escalate,
    KnowledgeQuestion,
    Plan,
    Reply,
    ToolCall,
    TurnContext,
)
from engium.bookings import catalog

Search = Callable[[str], Sequence[Passage]]
# English texts kept under their old names; replies take the customer's language from the phrasebook.
ABILITIES = say("en", "abilities")
KEPT = say("en", "kept_booking")
# How many retrieved passages a model sees: enough to answer, few enough to stay focused.
MODEL_PASSAGES = 3


def failed_turns_threshold(ctx: TurnContext, default: int) -> int:
    value = ctx.business.escalation_rules.get("after_failed_answers")
    return value if isinstance(value, int) and value >= 1 else default


def _keyword(ctx: TurnContext, intent: Intent) -> bool:
    keywords = ctx.business.escalation_rules.get("keywords")
    if not isinstance(keywords, list):
        return False
    padded = f" {intent.text} "
    return any(isinstance(k, str) and k.strip() and f" {k.strip().lower()} " in padded for k in keywords)


def plan_turn(session: Session, ctx: TurnContext, intent: Intent, search: Search, *, use_model: bool,
              threshold: int) -> Plan:
    # A reply to a reminder ("C", "X", "M") is about that reminder's booking; a flagged message never gets
    # here (plan_flagged_turn), so nothing in one acts.
    plan = reminder_replies.plan_reply(session, ctx, intent) or _decide(session, ctx, intent, search, use_model)
    plan.intent = intent.kind
    if plan.failed and plan.action is None and ctx.failed_turns + 1 >= failed_turns_threshold(ctx, threshold):
        return Plan(intent.kind, action=Escalate("failed_turns"), tool_calls=plan.tool_calls)
    return plan


def plan_flagged_turn(session: Session, ctx: TurnContext, intent: Intent, search: Search) -> Plan:
    """A flagged message: still answered, but nothing in it acts. Asking for a person still works."""
    if _keyword(ctx, intent):
        return Plan(intent.kind, action=Escalate("keyword"))
    if intent.kind is IntentKind.HUMAN:
        return Plan(intent.kind, action=Escalate("customer_request"))
    tool = action_gate.tool_for(intent.kind, ctx.pending)
    if tool is None and ctx.pending and confirmation_codes.is_protected(ctx.pending):
        # A confirmation code in a flagged message confirms nothing either.
        tool = booking_changes.tool_of(ctx.pending) if confirmation_codes.offered(intent.text) else None
    if tool is not None:
        return action_gate.gated(ctx, intent.kind, tool, "flagged")
    if intent.kind is IntentKind.KNOWLEDGE:
        # The business's own answer or a quote, never a model: a flagged message is not sent to one.
        answered = knowledge(ctx, intent, search, use_model=False, allow_handover=False)
        return answered if not answered.failed else Plan(intent.kind, Reply(say(ctx.language, "gated"), ()))
    return _decide(session, replace(ctx, pending=None), intent, search, use_model=False)


def _decide(session: Session, ctx: TurnContext, intent: Intent, search: Search, use_model: bool) -> Plan:
    if _keyword(ctx, intent):
        return Plan(intent.kind, action=Escalate("keyword"))
    if intent.kind is IntentKind.HUMAN:
        return Plan(intent.kind, action=Escalate("customer_request"))
    if ctx.pending:
        followed = _follow_up(session, ctx, intent, ctx.pending, search, use_model)
        if followed is not None:
            return followed
    elif confirmation_codes.required(ctx) and confirmation_codes.is_bare_code(intent.text):
        return Plan(intent.kind, Reply(say(ctx.language, "code_expired"), ()))
    when = intent.when
    match intent.kind:
        case IntentKind.CANCEL:
            return booking_changes.plan_change(session, ctx, "cancel", when.day, when.at)
        case IntentKind.RESCHEDULE:
            return booking_changes.plan_change(session, ctx, "move", when.day, when.at)
        case IntentKind.MY_DETAILS:
            return customer_data.plan_read(session, ctx, intent)
        case IntentKind.BOOK | IntentKind.AVAILABILITY:
            day = when.day or (ctx.today if intent.kind is IntentKind.AVAILABILITY else None)
            return plan_booking(session, ctx, _request(intent, day, when.at))
        case IntentKind.HOURS:
            return _hours(session, ctx, intent)
        case IntentKind.PRICES:
            asked = {candidate.id for candidate in intent.service.candidates}
            listed = [s for s in catalog.list_services(session, active=True) if not asked or s.id in asked]
            return Plan(intent.kind, facts.prices_reply(listed, bool(asked), ctx.language))
        case IntentKind.CONTACT:
            return Plan(intent.kind, facts.contact_reply(ctx.business, intent.topics, ctx.language))
        case IntentKind.GREETING:
            abilities = say(ctx.language, "abilities")
            return Plan(intent.kind, Reply(say(ctx.language, "greeting", business=ctx.business.name,
                                               abilities=abilities), ("settings:business_name",)))
        case IntentKind.THANKS:
            return Plan(intent.kind, Reply(say(ctx.language, "thanks"), ()))
        case IntentKind.YES | IntentKind.NO:
            return Plan(intent.kind, Reply(say(ctx.language, "how_can_i_help", abilities=say(ctx.language,
                                                                                             "abilities")), ()))
        case _:
            named = _named_day(session, ctx, intent)
            if named is not None:
                # "Christmas Day?": a question about a day the business has named, so about its hours.
                return _hours(session, ctx, intent, named)
            return knowledge(ctx, intent, search, use_model, allow_handover=True)


def _hours(session: Session, ctx: TurnContext, intent: Intent, day: date | None = None) -> Plan:
    # A closure's name beats the weekday inside it: "Easter Monday" is 21 April, not next Monday.
    day = day or _named_day(session, ctx, intent) or intent.when.day
    # Remembered so that "and on Saturday?" next is read as a question about hours too.
    topic = {"kind": "hours", "at": ctx.now.isoformat()}
    return Plan(intent.kind, hours_answer.hours_reply(session, day, ctx.today, ctx.language), pending=topic)


def _named_day(session: Session, ctx: TurnContext, intent: Intent) -> date | None:
    return hours_answer.named_closure_day(session, intent.text, ctx.today, intent.as_written)


def _request(intent: Intent, day: date | None, at: time | None) -> BookingRequest:
    match = intent.service
    chosen = match.chosen.id if match.chosen else None
    candidates = tuple(c.id for c in match.candidates) if match.ambiguous else ()
    return BookingRequest(chosen, candidates, day, at)


def _merged(previous: BookingRequest, intent: Intent, ctx: TurnContext) -> BookingRequest:
    """The draft with whatever this message adds or changes."""
    service_id, candidates = previous.service_id, previous.candidates
    if previous.candidates:
        listed = [s for s in ctx.services if s.id in previous.candidates]
        picked = narrow(intent.text, listed)
        if picked.chosen is not None:
            service_id, candidates = picked.chosen.id, ()
    if intent.service.chosen is not None:
        service_id, candidates = intent.service.chosen.id, ()
    elif intent.service.ambiguous and service_id is None:
        candidates = tuple(c.id for c in intent.service.candidates)
    day = intent.when.day or previous.day
    at = intent.when.at if intent.when.at is not None else (None if intent.when.day else previous.at)
    return BookingRequest(service_id, candidates, day, at)


def _follow_up(session: Session, ctx: TurnContext, intent: Intent, pending: dict[str, Any], search: Search,
               use_model: bool) -> Plan | None:
    """The answer to what the assistant asked last turn; None when the message is about something else."""
    kind = pending.get("kind")
    yes, no = intent.kind is IntentKind.YES, intent.kind is IntentKind.NO
    if kind == "book" and yes:
        if ctx.needs_contact_details:
            return details_first(pending, ctx.language)
        if ctx.awaiting_code:
            return code_first(pending, ctx.language)
        action = book_from_pending(pending)
        return Plan(intent.kind, action=action) if action else None
    if kind in {"cancel", "move"} and confirmation_codes.required(ctx):
        # Decided by the channel, not by the stored state: a proposal without a code (stored before
        # codes existed) confirms nothing here.
        return _confirm_with_code(ctx, intent, pending) if confirmation_codes.is_protected(pending) else None
    if kind in {"cancel", "move"} and (yes or no):
        return Plan(intent.kind, Reply(say(ctx.language, "kept_booking"), ())) if no else _change(intent, pending)
    if kind == "book" and no:
        previous = from_draft(pending)
        keep = BookingRequest(previous.service_id)
        return Plan(intent.kind, Reply(say(ctx.language, "nothing_booked"), ()), pending=draft(ctx.now, keep))
    if kind == "choose_booking":
        return booking_changes.choose(session, ctx, pending, intent.text, intent.when.day, intent.when.at)
    if kind == "move_draft" and intent.names_a_slot and intent.kind not in {IntentKind.CANCEL, IntentKind.BOOK}:
        return booking_changes.continue_move(session, ctx, pending, intent.when.day, intent.when.at)
    if kind == "hours" and intent.kind is IntentKind.KNOWLEDGE:
        day = _named_day(session, ctx, intent) or intent.when.day
        if day is not None:
            return _hours(session, ctx, intent, day)
    if kind in {"draft", "book"}:
        return _continue_booking(session, ctx, intent, pending, search, use_model)
    return None


def _change(intent: Intent, pending: dict[str, Any]) -> Plan | None:
    """The confirmed cancellation or move, for the write phase to carry out."""
    if pending.get("kind") == "cancel":
        try:
            return Plan(intent.kind, action=CancelBooking(UUID(str(pending.get("booking_id")))))
        except ValueError:
            return None
    move = booking_changes.move_from_pending(pending)
    return Plan(intent.kind, action=move) if move is not None else None


def _confirm_with_code(ctx: TurnContext, intent: Intent, pending: dict[str, Any]) -> Plan | None:
    """A change proposed over SMS or WhatsApp: only the code sent with the proposal confirms it."""
    if intent.kind is IntentKind.NO or confirmation_codes.declined(intent.text):
        return Plan(intent.kind, Reply(say(ctx.language, "kept_booking"), ()))
    tool, ids = booking_changes.tool_of(pending), {"booking_id": str(pending.get("booking_id"))}
    code = confirmation_codes.offered(intent.text)
    if code is None:
        if intent.kind is not IntentKind.YES:
            return None  # about something else: answered as usual, and the proposal lapses
        return Plan(intent.kind, Reply(say(ctx.language, "ask_for_code"), ()), pending=pending,
                    tool_calls=[ToolCall(tool, "code_required", ids)])
    if confirmation_codes.matches(pending, ctx.conversation_id, code):
        return _change(intent, pending)
    remaining = confirmation_codes.after_wrong_code(pending)
    if remaining is None:
        return Plan(intent.kind, Reply(say(ctx.language, "code_given_up"), ()),
                    tool_calls=[ToolCall(tool, "wrong_code_limit", ids)])
    return Plan(intent.kind, Reply(say(ctx.language, "wrong_code"), ()), pending=remaining,
                tool_calls=[ToolCall(tool, "wrong_code", ids)])


def _continue_booking(session: Session, ctx: TurnContext, intent: Intent, pending: dict[str, Any],
                      search: Search, use_model: bool) -> Plan | None:
    if intent.kind not in {IntentKind.BOOK, IntentKind.AVAILABILITY, IntentKind.KNOWLEDGE, IntentKind.YES}:
        return None  # a question about hours or prices mid-booking is answered; the draft is dropped
    previous = from_draft(pending)
    merged = _merged(previous, intent, ctx)
    if merged != previous or intent.kind in {IntentKind.BOOK, IntentKind.AVAILABILITY}:
        return plan_booking(session, ctx, merged)
    if intent.kind is IntentKind.YES:
        again = plan_booking(session, ctx, previous)  # "yes" to "which time?" answers nothing: ask again
        again.failed = True
        return again
    # Nothing new for the booking: maybe a question on the side ("is there parking?"). Answer it if the
    # business's information can, keeping the booking open; otherwise ask again, and count the miss.
    side = knowledge(ctx, intent, search, use_model, allow_handover=False)
    if not side.failed:
        side.pending = pending
        return side
    again = plan_booking(session, ctx, previous)
    again.failed = True
    return again


def knowledge(ctx: TurnContext, intent: Intent, search: Search, use_model: bool, *, allow_handover: bool) -> Plan:
    """The business's FAQ answer, else its documents quoted (or, with a model, summarised); nothing
    reliable found: hand over, or say so."""
    # A question in another language is looked up as its English keywords (an English knowledge base)
    # and, failing that, as written (a knowledge base in the customer's own language).
    for wording in (intent.text, intent.as_written):
        faq = grounded.faq_answer(wording, ctx.business.faqs) if wording else None
        if faq is not None:
            return Plan(intent.kind, faq)
    passages = list(search(intent.text))
    quoted = grounded.extractive_answer(intent.text, passages, ctx.language)
    if quoted is None and intent.as_written:
        own = list(search(intent.as_written))
        own_quote = grounded.extractive_answer(intent.as_written, own, ctx.language)
        if own_quote is not None:
            passages, quoted = own, own_quote
    not_sure = grounded.not_sure_reply(ctx.language).text
    if use_model and passages and (quoted is not None or str(getattr(passages[0], "matched_by", "")) == "both"):
        fallback = quoted or Reply(f"{not_sure} {say(ctx.language, 'offer_team')}", ())
        question = KnowledgeQuestion(
            ctx.text, tuple((f"chunk:{p.chunk_id}", p.document_title, p.content) for p in passages[:MODEL_PASSAGES]),
            fallback,
        )
        return Plan(intent.kind, ask_model=question)
    if quoted is not None:
        return Plan(intent.kind, quoted)
    # Already with a person: the customer is told so rather than offered a hand-over again.
    hands_over = ctx.business.escalation_rules.get("on_low_confidence", True) is not False
    if allow_handover and (ctx.handed_over or hands_over):
        return Plan(intent.kind, action=Escalate("low_confidence"))
    text = f"{not_sure} {say(ctx.language, 'offer_person')}"
    return Plan(intent.kind, Reply(text, ()), failed=True)
