"""Cases as the staff group sees them: the topic's name, its header card and buttons, the
notes when a case closes or reopens, and the answers to staff's commands.

Text comes from ``conversation.ftl``; nothing here talks to Telegram or the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.cases import Case, CaseStatus, SavedReply
from domain.conversations import MAX_REPLY_TEXT, CaseView, ReplyOutcome, StaffOutcome
from domain.notifications import CaseChanged
from handlers.i18n import Translator
from handlers.staff.callbacks import StaffCaseAction, StaffCaseCb
from handlers.staff.ticket_views import order_lines

Rendered = tuple[str, InlineKeyboardMarkup | None]

#: Telegram's longest topic name.
TOPIC_NAME_MAX = 128
#: Characters of a saved reply shown in the /replies list.
REPLY_PREVIEW = 60


def case_about(t: Translator, case: Case) -> str:
    if case.order_no is None:
        return t("staff-case-about-general")
    return t("staff-case-about-order", order_no=case.order_no)


def topic_name(t: Translator, view: CaseView) -> str:
    """The forum topic's name: the order number first, so staff find it by searching."""
    case = view.case
    topic = t(f"staff-case-topic-{case.topic}")
    if case.order_no is None:
        name = t("staff-case-topic-name-general", id=case.id, name=view.customer_name)
    else:
        name = t("staff-case-topic-name", what=case.order_no, topic=topic)
    return name[:TOPIC_NAME_MAX]


def case_card_text(t: Translator, view: CaseView, tz: tzinfo, *, in_topic: bool) -> str:
    """The header: the order, this customer's short history (theirs only), the case's state."""
    case, history = view.case, view.history
    lines = [
        t("staff-case-title", id=case.id, what=case_about(t, case)),
        t("staff-case-topic", topic=t(f"staff-case-topic-{case.topic}")),
        t(
            "staff-card-customer",
            name=view.customer_name,
            orders=history.orders,
            cancelled=history.cancelled,
            tickets=history.tickets,
        ),
    ]
    if view.card is not None:
        lines += order_lines(t, view.card)
    if case.status is CaseStatus.OPEN:
        lines.append(t("staff-case-open", time=t.datetime(case.opened_at, tz)))
    else:
        closed = case.closed_at or case.opened_at
        lines.append(t("staff-case-closed", time=t.datetime(closed, tz)))
    lines += ["", t("staff-case-hint-topic" if in_topic else "staff-case-hint-reply")]
    return "\n".join(lines)


def case_keyboard(t: Translator, case: Case) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if case.status is CaseStatus.OPEN:
        action, label = StaffCaseAction.CLOSE, "staff-case-btn-close"
    else:
        action, label = StaffCaseAction.REOPEN, "staff-case-btn-reopen"
    builder.button(text=t(label), callback_data=StaffCaseCb(action=action, case_id=case.id))
    return builder.as_markup()


def case_card_view(t: Translator, view: CaseView, tz: tzinfo, *, in_topic: bool) -> Rendered:
    return case_card_text(t, view, tz, in_topic=in_topic), case_keyboard(t, view.case)


def change_note(t: Translator, change: CaseChanged, who: str) -> str:
    if change.closed:
        return t("staff-case-note-closed", who=who, id=change.case_id)
    if change.by_shopper:
        return t("staff-case-note-reopened-shopper", id=change.case_id)
    return t("staff-case-note-reopened", who=who, id=change.case_id)


#: What a staff command or press on a case is told, by outcome (DONE is the command's own).
_OUTCOMES = {
    StaffOutcome.NOT_STAFF: "staff-case-not-staff",
    StaffOutcome.NO_CASE: "staff-case-gone",
    StaffOutcome.CLOSED: "staff-case-is-closed",
    StaffOutcome.NEWER_OPEN: "staff-case-newer-open",
    StaffOutcome.UNKNOWN_REPLY: "staff-reply-unknown",
    StaffOutcome.UNSUPPORTED: "staff-case-unsupported",
}


def outcome_text(
    t: Translator, outcome: StaffOutcome, case: Case | None, *, name: str = ""
) -> str | None:
    """The answer to a close, reopen or saved reply that did not go through; None when it did
    (the topic's note or the echo says so)."""
    if outcome is StaffOutcome.ALREADY and case is not None:
        closed = case.status is CaseStatus.CLOSED
        return t("staff-case-already-closed" if closed else "staff-case-already-open", id=case.id)
    found = _OUTCOMES.get(outcome)
    if found is None:
        return None
    return t(found, id=case.id if case else 0, name=name)


#: Characters of one Telegram message the list may use (4096, less room for "and N more").
LIST_ROOM = 3900


def replies_view(t: Translator, replies: Sequence[SavedReply]) -> str:
    if not replies:
        return t("staff-replies-empty")
    lines = [t("staff-replies-header", count=len(replies))]
    footer = ["", t("staff-replies-footer")]
    room = LIST_ROOM - sum(len(line) + 1 for line in [*lines, *footer])
    for shown, reply in enumerate(replies):
        text = " ".join(reply.text.split())
        if len(text) > REPLY_PREVIEW:
            text = text[: REPLY_PREVIEW - 1] + "…"
        line = t("staff-replies-line", name=reply.name, text=text)
        room -= len(line) + 1
        if room < 0:
            # One message holds a few dozen; the rest are still there, by name.
            lines.append(t("staff-replies-more", count=len(replies) - shown))
            break
        lines.append(line)
    return "\n".join([*lines, *footer])


_REPLY_OUTCOMES = {
    ReplyOutcome.SAVED: "staff-replies-saved",
    ReplyOutcome.REPLACED: "staff-replies-replaced",
    ReplyOutcome.DELETED: "staff-replies-deleted",
    ReplyOutcome.UNKNOWN: "staff-replies-unknown",
    ReplyOutcome.NOT_STAFF: "staff-only",
}


def reply_outcome_text(t: Translator, outcome: ReplyOutcome, name: str) -> str:
    return t(_REPLY_OUTCOMES[outcome], name=name)


def bad_reply_text(t: Translator) -> str:
    return t("staff-replies-bad-text", max=MAX_REPLY_TEXT)
