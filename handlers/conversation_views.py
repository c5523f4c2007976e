"""Talking to staff, as the shopper sees it: the 💬 button, the picker, what each step says.

Pure rendering: domain objects and a Translator in, text and keyboards out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.cases import Case, CaseTopic
from domain.conversations import OpenOutcome, OpenResult, WriteResult
from domain.services import OrderSummary
from handlers.callbacks import CaseAction, CaseCb, ContactAction, ContactCb
from handlers.i18n import Translator
from handlers.views import PRODUCT_IN_BUTTON, Rendered

_OPENED = {
    OpenOutcome.OPENED: "conversation-opened",
    OpenOutcome.RESUMED: "conversation-resumed",
    OpenOutcome.REOPENED: "conversation-reopened",
}


def contact_data(order_id: int | None, topic: CaseTopic) -> ContactCb:
    return ContactCb(action=ContactAction.OPEN, order_id=order_id, topic=topic)


def add_contact_button(
    t: Translator, builder: InlineKeyboardBuilder, order_id: int | None, topic: CaseTopic
) -> None:
    """The 💬 button that opens (or goes back to) the case about this order."""
    builder.button(text=t("contact-button"), callback_data=contact_data(order_id, topic))


def contact_keyboard(
    t: Translator, order_id: int | None, topic: CaseTopic
) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    add_contact_button(t, builder, order_id, topic)
    return builder.as_markup()


def about(t: Translator, case: Case) -> str:
    """What the case is about, as the shopper reads it."""
    if case.order_no is None:
        return t("contact-about-general")
    return t("contact-about-order", order_no=case.order_no)


def pick_view(t: Translator, cases: Sequence[Case], orders: Sequence[OrderSummary]) -> Rendered:
    """Which order is it about: open cases to continue first, then recent orders."""
    builder = InlineKeyboardBuilder()
    open_orders = {case.order_id for case in cases}
    for case in cases:
        builder.button(
            text=t("contact-pick-case", what=about(t, case)),
            callback_data=CaseCb(action=CaseAction.WRITE, case_id=case.id),
        )
    for summary in orders:
        order = summary.order
        if order.id in open_orders:
            continue
        name = order.product_name
        short = name if len(name) <= PRODUCT_IN_BUTTON else name[: PRODUCT_IN_BUTTON - 1] + "…"
        builder.button(
            text=t("contact-pick-order", order_no=order.order_no, product=short),
            callback_data=contact_data(order.id, CaseTopic.GENERAL),
        )
    if None not in open_orders:
        builder.button(
            text=t("contact-pick-general"), callback_data=contact_data(None, CaseTopic.GENERAL)
        )
    builder.adjust(1)
    return t("contact-pick"), builder.as_markup()


def quiet_line(t: Translator, staff_from: datetime, tz: tzinfo) -> str:
    local = staff_from.astimezone(tz)
    return t("conversation-quiet", date=t.date(local.date()), time=f"{local:%H:%M}")


def leave_keyboard(t: Translator, case_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("conversation-leave"),
        callback_data=CaseCb(action=CaseAction.LEAVE, case_id=case_id),
    )
    return builder.as_markup()


def opened_view(t: Translator, result: OpenResult, tz: tzinfo) -> Rendered:
    """What to write and how, once the case is open; when staff answer, after hours."""
    case = result.case
    assert case is not None  # only a found case is shown
    lines = [t(_OPENED[result.outcome], what=about(t, case))]
    if result.staff_from is not None:
        lines.append(quiet_line(t, result.staff_from, tz))
    return "\n\n".join(lines), leave_keyboard(t, case.id)


def written_view(t: Translator, result: WriteResult, tz: tzinfo) -> Rendered | None:
    """The answer to a message for staff: only when there is something to say.

    The first message after an opening is acknowledged, a reopening is said, and the
    hours once per quiet stretch; the rest go quietly, as in any chat.
    """
    case = result.case
    assert case is not None
    lines = []
    if result.opened is OpenOutcome.REOPENED:
        lines.append(t("conversation-sent-reopened", what=about(t, case)))
    elif result.opened is OpenOutcome.OPENED:
        lines.append(t("conversation-sent-new", what=about(t, case)))
    elif result.first:
        lines.append(t("conversation-sent-first"))
    if result.staff_from is not None:
        lines.append(quiet_line(t, result.staff_from, tz))
    if not lines:
        return None
    return "\n\n".join(lines), leave_keyboard(t, case.id)


def reply_keyboard(t: Translator, case_id: int) -> InlineKeyboardMarkup:
    """Under staff's message: writing back goes to this case, whatever the shopper did since."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("conversation-reply-button"),
        callback_data=CaseCb(action=CaseAction.WRITE, case_id=case_id),
    )
    return builder.as_markup()


def closed_push(t: Translator, case: Case) -> Rendered:
    text = t("push-case-closed", what=about(t, case))
    return text, contact_keyboard(t, case.order_id, case.topic)


def reopened_push(t: Translator, case: Case) -> Rendered:
    return t("push-case-reopened", what=about(t, case)), reply_keyboard(t, case.id)
