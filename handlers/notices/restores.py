"""The shopper's news of a restore the shop answered after they stopped waiting, and of a
coupon staff gave back by hand."""

from __future__ import annotations

from domain.notifications import CouponReturned, RestoreSettled
from handlers.coupon_views import expiry_text
from handlers.notices.base import Letter, Outlet, Sent, current_card, send
from handlers.restore_views import shop_confirmed_text, shop_refused_view
from handlers.views import card_keyboard


async def restore_settled(out: Outlet, letter: Letter[RestoreSettled]) -> Sent:
    news = letter.payload
    card = await current_card(out, news.order_id)
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
    card = await current_card(out, news.order_id)
    markup = card_keyboard(letter.t, card)
    return Sent(await out.send_text(letter.chat_id, text, reply_markup=markup))
