"""Texts and keyboards of the application and of the shopper's open tickets.

Pure rendering: the draft, domain objects and a Translator in, text and keyboards out.
"""

from __future__ import annotations

from datetime import date, tzinfo

from aiogram.fsm.state import State
from aiogram.types import InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.cases import CaseTopic
from domain.review import may_request
from domain.shopper import OrderCard
from domain.tickets import (
    MAX_EVIDENCE,
    MAX_EVIDENCE_BYTES,
    MAX_REASON_CHARS,
    REASONS,
    Evidence,
    EvidenceProblem,
    Ticket,
    TicketKind,
    TicketReason,
)
from handlers.apply.draft import Draft, MoreEvidence
from handlers.callbacks import ApplyAction, ApplyCb, MyTicketAction, MyTicketCb
from handlers.conversation_views import add_contact_button
from handlers.i18n import Translator
from handlers.keyboards import orders_keyboard
from handlers.states import ApplyFlow
from handlers.views import Rendered, money_lines

MB = 1024 * 1024
MAX_EVIDENCE_MB = MAX_EVIDENCE_BYTES // MB

#: What fits at each step when the shopper sends something else (a sticker, a voice note,
#: text where a button is expected); the summary is the only step left.
HINTS = {
    ApplyFlow.reason.state: "apply-hint-reason",
    ApplyFlow.text.state: "apply-hint-text",
    ApplyFlow.evidence.state: "apply-hint-evidence",
    ApplyFlow.more_evidence.state: "apply-hint-evidence",
}


# --------------------------------------------------------------------------- the steps


def by_kind(t: Translator, key: str, kind: TicketKind | None) -> str:
    """The key's wording for this kind of request (a restore, a coupon), else the cancel's."""
    specific = f"{key}-{kind}"
    return specific if kind is not None and t.has(specific) else key


def step_view(
    t: Translator,
    step: State,
    draft: Draft,
    card: OrderCard | None,
    deadline: date,
    *,
    tz: tzinfo,
) -> Rendered:
    when = t.promised(deadline)
    if step is ApplyFlow.reason and card is not None:
        return reason_view(t, draft, card, when)
    if step is ApplyFlow.text:
        text = t(by_kind(t, "apply-ask-text", draft.kind), limit=MAX_REASON_CHARS)
        return text, leave_keyboard(t, draft)
    if step is ApplyFlow.summary and card is not None:
        return summary_view(t, draft, card, when, tz)
    if step is ApplyFlow.evidence or card is None:
        lines = [t("apply-ask-evidence", limit=MAX_EVIDENCE, max_mb=MAX_EVIDENCE_MB)]
        if draft.evidence:
            lines.append(t("apply-evidence-so-far", count=len(draft.evidence)))
        return "\n".join(lines), evidence_keyboard(t, draft)
    return reason_view(t, draft, card, when)


def reason_view(t: Translator, draft: Draft, card: OrderCard, deadline: str) -> Rendered:
    kind = may_request(card, draft.kind) or TicketKind.CANCEL
    intro = by_kind(t, "apply-intro", draft.kind)
    lines = [t(intro, order_no=card.order.order_no, deadline=deadline)]
    if kind is TicketKind.ACTIVATION_CHECK:
        lines.append(t("apply-intro-activation"))
    lines += ["", t(by_kind(t, "apply-ask-reason", draft.kind), limit=MAX_REASON_CHARS)]
    return "\n".join(lines), reason_keyboard(t, draft, kind)


def reason_keyboard(t: Translator, draft: Draft, kind: TicketKind) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    reasons = REASONS[kind]
    for reason in reasons:
        builder.button(
            text=t(f"apply-reason-{reason}"),
            callback_data=ApplyCb(
                action=ApplyAction.REASON, order_id=draft.order_id, reason=reason
            ),
        )
    builder.button(text=t("apply-leave"), callback_data=_cb(ApplyAction.LEAVE, draft))
    builder.adjust(*([2] * (len(reasons) // 2)), *([1] * (len(reasons) % 2)), 1)
    return builder.as_markup()


def summary_view(
    t: Translator, draft: Draft, card: OrderCard, deadline: str, tz: tzinfo
) -> Rendered:
    order = card.order
    reason = draft.reason or TicketReason.OTHER
    lines = [
        t("apply-summary-title"),
        t("apply-summary-order", order_no=order.order_no, product=order.product_name),
        t("apply-summary-reason", reason=t(f"apply-reason-{reason}")),
    ]
    if draft.text:
        lines.append(t("apply-summary-text", text=draft.text))
    lines += [t("apply-summary-evidence", count=len(draft.evidence)), ""]
    lines.append(t("apply-summary-next", deadline=deadline))
    if may_request(card, draft.kind) is TicketKind.ACTIVATION_CHECK:
        lines.append(t("apply-summary-activation"))
    lines += money_lines(t, order, card.decision, tz)
    return "\n".join(lines), summary_keyboard(t, draft)


def summary_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("apply-submit"), callback_data=_cb(ApplyAction.SUBMIT, draft))
    builder.button(text=t("apply-edit-reason"), callback_data=_cb(ApplyAction.EDIT_REASON, draft))
    builder.button(
        text=t("apply-edit-evidence"), callback_data=_cb(ApplyAction.EDIT_EVIDENCE, draft)
    )
    builder.button(text=t("apply-cancel"), callback_data=_cb(ApplyAction.LEAVE, draft))
    builder.adjust(1, 2, 1)
    return builder.as_markup()


def evidence_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if draft.evidence:
        builder.button(
            text=t("apply-done", count=len(draft.evidence)),
            callback_data=_cb(ApplyAction.DONE, draft),
        )
    else:
        builder.button(text=t("apply-skip"), callback_data=_cb(ApplyAction.SKIP, draft))
    builder.button(text=t("apply-leave"), callback_data=_cb(ApplyAction.LEAVE, draft))
    builder.adjust(1)
    return builder.as_markup()


def leave_keyboard(t: Translator, draft: Draft) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("apply-leave"), callback_data=_cb(ApplyAction.LEAVE, draft))
    return builder.as_markup()


def _cb(action: ApplyAction, draft: Draft) -> ApplyCb:
    return ApplyCb(action=action, order_id=draft.order_id)


# --------------------------------------------------------------------------- replies


def draft_evidence_view(
    t: Translator,
    draft: Draft,
    problem: EvidenceProblem | None,
    message: Message,
    evidence: Evidence,
) -> Rendered:
    """The reply to one screenshot for the draft: counted, or refused saying why."""
    if problem is None:
        text = t("apply-evidence-got", count=len(draft.evidence), limit=MAX_EVIDENCE)
    else:
        text = evidence_problem_text(t, problem, message, evidence)
    return text, evidence_keyboard(t, draft)


def evidence_problem_text(
    t: Translator, problem: EvidenceProblem, message: Message, evidence: Evidence
) -> str:
    name = message.document.file_name if message.document else None
    return t(
        f"apply-evidence-{problem}",
        limit=MAX_EVIDENCE,
        max_mb=MAX_EVIDENCE_MB,
        size_mb=f"{(evidence.size or 0) / MB:.1f}",
        name=name or t("apply-evidence-this-file"),
    )


def reason_text_problem(t: Translator, raw: str) -> str:
    """Why the shopper's own words were not taken: nothing in them, or too many."""
    length = len(raw.strip())
    key = "apply-text-too-long" if length else "apply-text-empty"
    return t(key, limit=MAX_REASON_CHARS, length=length)


def hint_text(t: Translator, step: str | None) -> str:
    return t(HINTS.get(step or "", "apply-hint-summary"))


def step_keyboard(
    t: Translator, step: str | None, draft: Draft | None, more: MoreEvidence | None
) -> InlineKeyboardMarkup:
    """The buttons of the step the shopper is at, under a refusal or a hint there, so the
    answer itself offers what fits (the step's own message may be far above by now)."""
    if step == ApplyFlow.more_evidence.state and more is not None:
        return more_keyboard(t, more.ticket_id)
    if draft is None:
        return orders_keyboard(t)
    if step == ApplyFlow.reason.state:
        # Restore and coupon requests have reasons of their own; the rest are a cancel's.
        return reason_keyboard(t, draft, draft.kind or TicketKind.CANCEL)
    if step == ApplyFlow.evidence.state:
        return evidence_keyboard(t, draft)
    if step == ApplyFlow.summary.state:
        return summary_keyboard(t, draft)
    return leave_keyboard(t, draft)


# --------------------------------------------------------------------------- open tickets


def ticket_lines(t: Translator, ticket: Ticket) -> list[str]:
    lines = [
        t("ticket-order", order_no=ticket.order_no),
        t("ticket-status", status=t(f"ticket-status-{ticket.status}")),
        t("ticket-reason", reason=t(f"apply-reason-{ticket.reason}")),
    ]
    if ticket.reason_text:
        lines.append(t("apply-summary-text", text=ticket.reason_text))
    lines.append(t("ticket-evidence", count=len(ticket.evidence), limit=MAX_EVIDENCE))
    if not ticket.status.closed:
        lines.append(t("ticket-deadline", deadline=t.promised(ticket.deadline)))
    return lines


def ticket_view(t: Translator, ticket: Ticket, *, head: str, late: bool = False) -> Rendered:
    lines = [t(head, id=ticket.id, order_no=ticket.order_no, deadline=t.promised(ticket.deadline))]
    lines += ["", *ticket_lines(t, ticket)]
    return "\n".join(lines), ticket_keyboard(t, ticket, late=late)


def ticket_buttons(
    t: Translator, builder: InlineKeyboardBuilder, ticket: Ticket, *, late: bool = False
) -> int:
    """Add evidence / withdraw for an open ticket, and 💬 once its review is ``late``;
    returns how many buttons were added."""
    if ticket.status.closed:
        return 0
    added = 0
    if len(ticket.evidence) < MAX_EVIDENCE:
        _ticket_button(builder, t("ticket-add-evidence", id=ticket.id), MyTicketAction.ADD, ticket)
        added += 1
    _ticket_button(builder, t("ticket-withdraw", id=ticket.id), MyTicketAction.WITHDRAW, ticket)
    if late:  # past its review deadline: staff must answer, so the shopper may ask them
        add_contact_button(t, builder, ticket.order_id, CaseTopic.LATE)
        added += 1
    return added + 1


def _ticket_button(
    builder: InlineKeyboardBuilder, text: str, action: MyTicketAction, ticket: Ticket
) -> None:
    builder.button(text=text, callback_data=MyTicketCb(action=action, ticket_id=ticket.id))


def ticket_keyboard(
    t: Translator, ticket: Ticket, *, late: bool = False
) -> InlineKeyboardMarkup | None:
    builder = InlineKeyboardBuilder()
    if not ticket_buttons(t, builder, ticket, late=late):
        return None
    builder.adjust(1)
    return builder.as_markup()


def tickets_view(
    t: Translator, tickets: list[Ticket], late: frozenset[int] = frozenset()
) -> Rendered:
    if not tickets:
        # An application starts on an order that cannot be cancelled at once.
        return t("tickets-empty"), orders_keyboard(t)
    lines = [t("tickets-header", count=len(tickets)), ""]
    builder = InlineKeyboardBuilder()
    for ticket in tickets:
        lines.append(ticket_line(t, ticket))
        ticket_buttons(t, builder, ticket, late=ticket.id in late)
    builder.adjust(1)
    # Only decided ones: nothing left to do on them, so the way back to the orders.
    markup = builder.as_markup() if list(builder.buttons) else orders_keyboard(t)
    return "\n".join(lines), markup


def ticket_line(t: Translator, ticket: Ticket) -> str:
    status = t(f"ticket-status-{ticket.status}")
    if ticket.status.closed:
        return t("tickets-line-closed", id=ticket.id, order_no=ticket.order_no, status=status)
    return t(
        "tickets-line-open",
        id=ticket.id,
        order_no=ticket.order_no,
        status=status,
        deadline=t.promised(ticket.deadline),
    )


def ask_more_view(t: Translator, ticket: Ticket) -> Rendered:
    left = MAX_EVIDENCE - len(ticket.evidence)
    text = t("ticket-ask-evidence", id=ticket.id, left=left, max_mb=MAX_EVIDENCE_MB)
    return text, more_keyboard(t, ticket.id)


def more_got_view(t: Translator, more: MoreEvidence) -> Rendered:
    text = t("ticket-evidence-got", id=more.ticket_id, count=more.count, limit=MAX_EVIDENCE)
    return text, more_keyboard(t, more.ticket_id)


def more_keyboard(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("ticket-evidence-done"),
        callback_data=MyTicketCb(action=MyTicketAction.DONE, ticket_id=ticket_id),
    )
    return builder.as_markup()


def withdraw_confirm_view(t: Translator, ticket: Ticket) -> Rendered:
    builder = InlineKeyboardBuilder()
    _ticket_button(builder, t("ticket-withdraw-yes"), MyTicketAction.CONFIRM, ticket)
    _ticket_button(builder, t("ticket-withdraw-no"), MyTicketAction.KEEP, ticket)
    builder.adjust(2)
    text = t("ticket-withdraw-confirm", id=ticket.id, order_no=ticket.order_no)
    return text, builder.as_markup()


def withdrawn_text(t: Translator, ticket: Ticket) -> str:
    return t("ticket-withdrawn", id=ticket.id, order_no=ticket.order_no)
