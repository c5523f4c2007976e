"""The order card's history button: the order's history, for the shopper whose order it is."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery

from domain.timeline import shopper_timeline
from handlers.callbacks import OrderAction, OrderCb
from handlers.common import show
from handlers.context import Ctx
from handlers.timeline_views import timeline_view


def create_router() -> Router:
    # After the orders router, which answers presses of shoppers who are not linked.
    router = Router(name=__name__)
    router.callback_query.register(on_timeline, OrderCb.filter(F.action == OrderAction.TIMELINE))
    return router


async def on_timeline(query: CallbackQuery, callback_data: OrderCb, ctx: Ctx) -> None:
    timeline = await shopper_timeline(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=callback_data.order_id,
        refusals=ctx.rules.refusals,
        now=ctx.now(),
    )
    if timeline is None:
        ctx.alert(ctx.t("press-not-yours"))
        return
    await show(query, *timeline_view(ctx.t, timeline, ctx.shopper_tz, ctx.now()))
