"""The shopper's news of their order (the shop cancelled it; the shop answered a cancel
the shopper stopped waiting for; the shop is slow to answer), and the staff's alert that
the shop's order system is silent."""

from __future__ import annotations

from domain.notifications import (
    CancelDelayed,
    CancelSettled,
    OrderCancelled,
    ShopRefusedApproval,
    ShopSilent,
)
from domain.staff import open_ticket_card
from handlers.notices.base import Letter, Outlet, Sent, Skip, current_card, send
from handlers.views import (
    card_keyboard,
    shop_cancelled_text,
    shop_confirmed_text,
    shop_refused_view,
)


async def order_cancelled(out: Outlet, letter: Letter[OrderCancelled]) -> Sent:
    card = await current_card(out, letter.payload.order_id)
    text = shop_cancelled_text(
        letter.t, card.order, card.refund, letter.payload.coupon, out.rules.tz
    )
    return Sent(
        await out.send_text(letter.chat_id, text, reply_markup=card_keyboard(letter.t, card))
    )


async def cancel_settled(out: Outlet, letter: Letter[CancelSettled]) -> Sent:
    news = letter.payload
    card = await current_card(out, news.order_id)
    if news.accepted:
        # The card's buttons: a mistaken cancel can be restored from here (FAQ 3).
        text = shop_confirmed_text(letter.t, card.order, card.refund, news.coupon, out.rules.tz)
        return Sent(
            await out.send_text(letter.chat_id, text, reply_markup=card_keyboard(letter.t, card))
        )
    return await send(out, letter, shop_refused_view(letter.t, card, out.rules.tz))


async def cancel_delayed(out: Outlet, letter: Letter[CancelDelayed]) -> Sent:
    card = await current_card(out, letter.payload.order_id)
    order, restore = card.order, letter.payload.restore
    waiting = order.restoring_since if restore else order.cancelling_since
    if waiting is None:
        raise Skip(f"order {order.order_no} is no longer waiting for the shop")
    key = "restore-delayed" if restore else "cancel-delayed"
    text = letter.t(key, order_no=order.order_no)
    return Sent(
        await out.send_text(letter.chat_id, text, reply_markup=card_keyboard(letter.t, card))
    )


async def shop_silent(out: Outlet, letter: Letter[ShopSilent]) -> Sent:
    news = letter.payload
    since = letter.t.datetime(news.since, out.rules.tz)
    key = "staff-shop-silent-restore" if news.restore else "staff-shop-silent"
    text = letter.t(key, order_no=news.order_no, id=news.request_id, since=since)
    return Sent(await out.send_text(letter.chat_id, text))


async def shop_refused(out: Outlet, letter: Letter[ShopRefusedApproval]) -> Sent:
    """Under the ticket's card: the shop said no to the approval, the ticket is open."""
    news = letter.payload
    async with out.uows() as uow:
        _, card_id = await open_ticket_card(uow, news.ticket_id)
    status = letter.t(f"status-{news.shop_status}")
    key = "staff-shop-refused-restore" if news.restore else "staff-shop-refused"
    text = letter.t(key, id=news.ticket_id, order_no=news.order_no, status=status)
    return Sent(await out.send_text(letter.chat_id, text, reply_to=card_id))
