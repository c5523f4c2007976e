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
from domain.orders import Order, Refund
from domain.shopper import OrderCard
from domain.staff import open_ticket_card
from handlers.notices.base import Letter, Outlet, Sent, Skip, send
from handlers.views import shop_cancelled_push, shop_confirmed_text, shop_refused_view


async def _now(out: Outlet, order_id: int) -> tuple[Order, Refund | None]:
    """The order and its refund as they are when the push goes out."""
    async with out.uows() as uow:
        order = await uow.orders.get(order_id)
        refund = await uow.refunds.for_order(order_id)
    if order is None:
        raise Skip(f"order {order_id} not found")
    return order, refund


async def order_cancelled(out: Outlet, letter: Letter[OrderCancelled]) -> Sent:
    order, refund = await _now(out, letter.payload.order_id)
    return await send(
        out,
        letter,
        shop_cancelled_push(letter.t, order, refund, letter.payload.coupon, out.rules.tz),
    )


async def cancel_settled(out: Outlet, letter: Letter[CancelSettled]) -> Sent:
    news = letter.payload
    order, refund = await _now(out, news.order_id)
    if news.accepted:
        text = shop_confirmed_text(letter.t, order, refund, news.coupon, out.rules.tz)
        return Sent(await out.send_text(letter.chat_id, text))
    card = OrderCard(order, out.rules.decide(order, out.clock.now()), refund)
    return await send(out, letter, shop_refused_view(letter.t, card, out.rules.tz))


async def cancel_delayed(out: Outlet, letter: Letter[CancelDelayed]) -> Sent:
    order, _ = await _now(out, letter.payload.order_id)
    restore = letter.payload.restore
    waiting = order.restoring_since if restore else order.cancelling_since
    if waiting is None:
        raise Skip(f"order {order.order_no} is no longer waiting for the shop")
    key = "restore-delayed" if restore else "cancel-delayed"
    return Sent(await out.send_text(letter.chat_id, letter.t(key, order_no=order.order_no)))


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
