"""What the staff chat sees of a manual refund: its card, edited as it moves, and its alerts.

Every row is rendered from the refund as it is when the row is sent, not as it
was when queued: a card that goes out late shows the latest state, and a
follow-up about a refund that arrived meanwhile is dropped.
"""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest

from domain.notifications import (
    FollowUp,
    RefundFollowUp,
    RefundNews,
    RefundRequested,
    RefundUpdated,
    StaffRefundFailed,
)
from domain.orders import RefundStatus
from domain.refund_desk import RefundCard, load_card
from handlers.i18n import Translator
from handlers.notices.base import Letter, Outlet, Sent, Skip
from handlers.staff.chat import refund_card_names
from handlers.staff.refund_views import (
    failed_text,
    followup_text,
    refund_card_view,
    refund_keyboard,
)


async def _card(out: Outlet, news: RefundNews) -> RefundCard:
    async with out.uows() as uow:
        card = await load_card(uow, news.refund_id)
    if card is None:
        raise Skip(f"refund {news.refund_id} not found")
    return card


async def _post(out: Outlet, chat_id: int, t: Translator, card: RefundCard) -> Sent:
    names = await refund_card_names(out.bot, chat_id, card)
    text, markup = refund_card_view(t, card, out.rules.tz, names)
    return Sent(await out.send_text(chat_id, text, reply_markup=markup))


async def refund_requested(out: Outlet, letter: Letter[RefundRequested]) -> Sent:
    """A new manual refund: the card whose buttons staff report back with."""
    card = await _card(out, letter.payload)
    if card.refund.status is RefundStatus.VOIDED:
        # Withdrawn (the order was restored) before its card went out: nothing to push out.
        raise Skip(f"refund {card.refund.id} was withdrawn")
    if card.refund.attempt != letter.payload.attempt:
        raise Skip(f"refund {card.refund.id} has a newer card")
    return await _post(out, letter.chat_id, letter.t, card)


async def refund_updated(out: Outlet, letter: Letter[RefundUpdated]) -> Sent:
    """The card follows every change, whoever made it: edited in place, posted if missing."""
    chat_id, t = letter.chat_id, letter.t
    card = await _card(out, letter.payload)
    card_id = card.message_id
    if card_id is None and card.refund.status is RefundStatus.VOIDED:
        raise Skip(f"refund {card.refund.id} was withdrawn before its card went out")
    if card_id is None:
        return await _post(out, chat_id, t, card)
    names = await refund_card_names(out.bot, chat_id, card)
    text, markup = refund_card_view(t, card, out.rules.tz, names)
    try:
        await out.call(
            chat_id,
            lambda: out.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=card_id, reply_markup=markup
            ),
        )
    except TelegramBadRequest as error:
        reason = error.message.lower()
        if "message to edit not found" in reason:
            return await _post(out, chat_id, t, card)  # someone deleted the card
        if "not modified" not in reason:  # already showing this state (an earlier edit)
            raise
    return Sent(card_id)


async def refund_failed(out: Outlet, letter: Letter[StaffRefundFailed]) -> Sent:
    """The provider refused it: why, what comes next, and the way to start it again."""
    t, news = letter.t, letter.payload
    card = await _card(out, news)
    reason = news.reason or card.refund.failure_reason or ""
    # Held back (the group's minute was full) past a re-initiation: still worth saying, but
    # the buttons belong to the card now, not to news about an earlier try.
    current = card.refund.attempt == news.attempt
    return Sent(
        await out.send_text(
            letter.chat_id,
            failed_text(t, card.refund, reason),
            reply_to=card.message_id,
            reply_markup=refund_keyboard(t, card.refund) if current else None,
        )
    )


async def refund_followup(out: Outlet, letter: Letter[RefundFollowUp]) -> Sent:
    """The shopper says it has not arrived, or asks to re-initiate: staff look again."""
    news = letter.payload
    card = await _card(out, news)
    refund = card.refund
    if refund.status is RefundStatus.SUCCEEDED:
        raise Skip(f"refund {refund.id} arrived meanwhile")
    if refund.attempt > news.attempt:
        raise Skip(f"refund {refund.id} was started again meanwhile")
    if news.why is FollowUp.DUE and refund.status != news.status:
        raise Skip(f"refund {refund.id} moved on since its date came")
    return Sent(
        await out.send_text(
            letter.chat_id,
            followup_text(letter.t, refund, news.why),
            reply_to=card.message_id,
            reply_markup=refund_keyboard(letter.t, refund),
        )
    )
