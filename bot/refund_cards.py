"""What the staff chat sees of a manual refund: its card, edited as it moves, and its alerts.

Every row is rendered from the refund as it is when the row is sent, not as it
was when queued: a card that goes out late shows the latest state, and a
follow-up about a refund that arrived meanwhile is dropped.
"""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest

from bot.notifier import Notifier, Renderer, Sent, Skip
from domain.orders import RefundStatus
from domain.ports import OutboxMessage
from domain.refund_desk import RefundCard, load_card
from domain.refunds import FollowUp
from handlers.i18n import Translator
from handlers.staff_refunds import (
    card_names,
    card_view,
    failed_text,
    followup_text,
    refund_keyboard,
)
from storage.uow import SqlUnitOfWork


async def _card(notifier: Notifier, message: OutboxMessage) -> RefundCard:
    refund_id = int(message.payload["refund_id"])
    async with notifier.session_factory() as session:
        card = await load_card(SqlUnitOfWork(session), refund_id)
    if card is None:
        raise Skip(f"refund {refund_id} not found")
    return card


async def _post(notifier: Notifier, chat_id: int, t: Translator, card: RefundCard) -> Sent:
    names = await card_names(notifier.bot, chat_id, card)
    text, markup = card_view(t, card, notifier.rules.tz, names)
    return Sent(await notifier.send_text(chat_id, text, reply_markup=markup))


async def refund_requested(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    """A new manual refund: the card whose buttons staff report back with."""
    return await _post(notifier, chat_id, t, await _card(notifier, message))


async def refund_updated(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    """The card follows every change, whoever made it: edited in place, posted if missing."""
    card = await _card(notifier, message)
    card_id = card.message_id
    if card_id is None:
        return await _post(notifier, chat_id, t, card)
    names = await card_names(notifier.bot, chat_id, card)
    text, markup = card_view(t, card, notifier.rules.tz, names)
    try:
        await notifier.call(
            chat_id,
            lambda: notifier.bot.edit_message_text(
                text=text, chat_id=chat_id, message_id=card_id, reply_markup=markup
            ),
        )
    except TelegramBadRequest as error:
        reason = error.message.lower()
        if "message to edit not found" in reason:
            return await _post(notifier, chat_id, t, card)  # someone deleted the card
        if "not modified" not in reason:  # already showing this state (an earlier edit)
            raise
    return Sent(card_id)


async def refund_failed(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    """The provider refused it: why, what comes next, and the way to start it again."""
    card = await _card(notifier, message)
    reason = str(message.payload.get("reason") or card.refund.failure_reason or "")
    # Held back (the group's minute was full) past a re-initiation: still worth saying, but
    # the buttons belong to the card now, not to news about an earlier try.
    current = card.refund.attempt == int(message.payload.get("attempt", card.refund.attempt))
    return Sent(
        await notifier.send_text(
            chat_id,
            failed_text(t, card.refund, reason),
            reply_to=card.message_id,
            reply_markup=refund_keyboard(t, card.refund) if current else None,
        )
    )


async def refund_followup(
    notifier: Notifier, chat_id: int, t: Translator, message: OutboxMessage
) -> Sent:
    """The shopper says it has not arrived, or asks to re-initiate: staff look again."""
    card = await _card(notifier, message)
    refund = card.refund
    if refund.status is RefundStatus.SUCCEEDED:
        raise Skip(f"refund {refund.id} arrived meanwhile")
    if refund.attempt > int(message.payload.get("attempt", refund.attempt)):
        raise Skip(f"refund {refund.id} was started again meanwhile")
    why = FollowUp(message.payload.get("why", FollowUp.NOT_YET))
    if why is FollowUp.DUE and refund.status != message.payload.get("status"):
        raise Skip(f"refund {refund.id} moved on since its date came")
    return Sent(
        await notifier.send_text(
            chat_id,
            followup_text(t, refund, why),
            reply_to=card.message_id,
            reply_markup=refund_keyboard(t, refund),
        )
    )


RENDERERS: dict[str, Renderer] = {
    "staff.refund_requested": refund_requested,
    "staff.refund_updated": refund_updated,
    "staff.refund_failed": refund_failed,
    "staff.refund_followup": refund_followup,
}
