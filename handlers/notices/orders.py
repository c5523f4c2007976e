"""The shopper's news of their order: the shop cancelled it on its own side."""

from __future__ import annotations

from domain.notifications import OrderCancelled
from handlers.notices.base import Letter, Outlet, Sent, Skip, send
from handlers.views import shop_cancelled_push


async def order_cancelled(out: Outlet, letter: Letter[OrderCancelled]) -> Sent:
    """Read the order and its refund as they are now: the push says where the money stands."""
    async with out.uows() as uow:
        order = await uow.orders.get(letter.payload.order_id)
        refund = await uow.refunds.for_order(letter.payload.order_id)
    if order is None:
        raise Skip(f"order {letter.payload.order_id} not found")
    return await send(
        out, letter, shop_cancelled_push(letter.t, order, refund, letter.payload.coupon)
    )
