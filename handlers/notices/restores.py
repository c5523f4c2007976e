"""The shopper's news of a restore the shop answered after they stopped waiting, and of a
coupon staff gave back by hand."""

from __future__ import annotations

from domain.notifications import CouponReturned, RestoreSettled
from domain.shopper import OrderCard, order_card
from handlers.coupon_views import expiry_text
from handlers.notices.base import Letter, Outlet, Sent, Skip, send
from handlers.restore_views import shop_confirmed_text, shop_refused_view
from handlers.views import card_keyboard


async def _card(out: Outlet, order_id: int) -> OrderCard:
    async with out.uows() as uow:
        order = await uow.orders.get(order_id)
        if order is None:
            raise Skip(f"order {order_id} not found")
        return await order_card(uow, order, out.rules, out.clock.now())


async def restore_settled(out: Outlet, letter: Letter[RestoreSettled]) -> Sent:
    news = letter.payload
    card = await _card(out, news.order_id)
    if news.accepted:
        text = shop_confirmed_text(letter.t, card.order)
        return Sent(
            await out.send_text(letter.chat_id, text, reply_markup=card_keyboard(letter.t, card))
        )
    return await send(
        out, letter, shop_refused_view(letter.t, card, out.rules.tz, news.shop_status)
    )


async def coupon_returned(out: Outlet, letter: Letter[CouponReturned]) -> Sent:
    news = letter.payload
    ended = news.expires_at is not None and news.expires_at <= out.clock.now()
    expiry = expiry_text(letter.t, news.expires_at, out.rules.tz, ended=ended)
    text = letter.t(
        "push-coupon-returned", order_no=news.order_no, title=news.title, expiry=expiry
    )
    return Sent(await out.send_text(letter.chat_id, text))
