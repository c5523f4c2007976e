"""Restoring a mistaken cancel: the card's restore button, its confirmation, and ``/restore``.

Every press re-reads the order through the use case (ownership, the window, the refund,
the coupon); with the shop's order system connected, the shop's answer decides and is
shown in the same message when it comes within a few seconds (else it is pushed).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, MagicData
from aiogram.types import CallbackQuery, Message

from domain.restore import Lost, RestoreBlock
from domain.shop_cancels import CancelDesk, Settled, SettleResult
from domain.shopper import OrderCard, shopper
from domain.shopper_restore import RestoreOutcome, RestoreResult, ask_restore, restore_order
from handlers.callbacks import RestoreAction, RestoreCb
from handlers.common import named_order, on_unlinked_message, on_unlinked_press, show
from handlers.context import Ctx
from handlers.orders import pressed_message
from handlers.restore_views import (
    asked_shop_view,
    confirm_view,
    not_restored_view,
    restored_view,
    shop_refused_view,
)
from handlers.views import Rendered, card_view


def create_router() -> Router:
    router = Router(name=__name__)
    unlinked = MagicData(F.customer.is_(None))
    router.callback_query.register(on_unlinked_press, unlinked, RestoreCb.filter())
    router.message.register(on_unlinked_message, unlinked, Command("restore"))
    router.message.register(restore_command, Command("restore"))
    router.callback_query.register(on_ask, RestoreCb.filter(F.action == RestoreAction.ASK))
    router.callback_query.register(on_keep, RestoreCb.filter(F.action == RestoreAction.KEEP))
    router.callback_query.register(on_confirm, RestoreCb.filter(F.action == RestoreAction.CONFIRM))
    return router


async def restore_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """``/restore ORDER_NO``: the confirmation, or the card saying why not and what to do."""
    card = await named_order(message, command, ctx, "restore-usage", cancelled=True)
    if card is None:
        return
    text, markup = _standing_view(card, ctx)
    await message.answer(text, reply_markup=markup)


async def on_ask(query: CallbackQuery, callback_data: RestoreCb, ctx: Ctx) -> None:
    card = await _own_card(callback_data, ctx)
    if card is not None:
        await show(query, *_standing_view(card, ctx))


async def on_keep(query: CallbackQuery, callback_data: RestoreCb, ctx: Ctx) -> None:
    card = await _own_card(callback_data, ctx)
    if card is not None:
        ctx.toast(ctx.t("restore-kept", order_no=card.order.order_no))
        await show(query, *card_view(ctx.t, card, ctx.tz))


async def _own_card(callback_data: RestoreCb, ctx: Ctx) -> OrderCard | None:
    """The pressed order as it is now, or None with the press refused politely."""
    result = await ask_restore(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=callback_data.order_id,
        rules=ctx.rules,
        now=ctx.now(),
    )
    if result.card is None:
        ctx.alert(ctx.t("press-not-yours"))
    return result.card


async def on_confirm(query: CallbackQuery, callback_data: RestoreCb, ctx: Ctx) -> None:
    desk = ctx.deps.desk
    result = await restore_order(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=callback_data.order_id,
        shown=callback_data.coupon,
        actor=shopper(ctx.user_id),
        rules=ctx.rules,
        now=ctx.now(),
        with_shop=desk is not None,
        via=pressed_message(query),
    )
    if result.card is None:
        ctx.alert(ctx.t("press-not-yours"))
        return
    if result.here:  # a double tap: the message already says it is restored
        ctx.toast(ctx.t("restore-already-toast"))
        return
    await show(query, *_result_view(result, ctx))
    if result.outcome is RestoreOutcome.REQUESTED and desk is not None:
        await _wait_for_shop(query, result, ctx, desk)


async def _wait_for_shop(
    query: CallbackQuery, result: RestoreResult, ctx: Ctx, desk: CancelDesk
) -> None:
    """The shop's answer in this message if it comes within a few seconds (else pushed)."""
    await ctx.answer_now(query)
    if result.request_id is not None and (settled := await desk.confirm(result.request_id)):
        await show(query, *_settled_view(settled, result, ctx))


def _standing_view(card: OrderCard, ctx: Ctx) -> Rendered:
    plan = card.restore
    if plan is not None and plan.can_restore:
        return confirm_view(ctx.t, card, ctx.tz, with_shop=ctx.deps.desk is not None)
    return not_restored_view(ctx.t, card, ctx.tz, None)


def _result_view(result: RestoreResult, ctx: Ctx) -> Rendered:
    card = result.card
    assert card is not None
    if result.outcome is RestoreOutcome.RESTORED and result.plan is not None:
        return restored_view(ctx.t, card, result.plan, ctx.tz)
    if result.outcome is RestoreOutcome.REQUESTED:
        return asked_shop_view(ctx.t, card, ctx.tz)
    if result.outcome is RestoreOutcome.CHANGED:
        head = ctx.t("restore-changed", order_no=card.order.order_no)
        return confirm_view(ctx.t, card, ctx.tz, with_shop=ctx.deps.desk is not None, head=head)
    lost = result.lost
    if (
        lost is None
        and card.restore is not None
        and card.restore.block is RestoreBlock.REFUND_SENT
    ):
        # Confirmed after staff pushed the refund out: it was restorable when shown.
        lost = Lost.REFUND
    return not_restored_view(ctx.t, card, ctx.tz, lost)


def _settled_view(settled: SettleResult, asked: RestoreResult, ctx: Ctx) -> Rendered:
    card = settled.card
    assert card is not None  # a settled answer always carries the order as it is now
    if settled.outcome is Settled.RESTORED and asked.plan is not None:
        return restored_view(ctx.t, card, asked.plan, ctx.tz)
    return shop_refused_view(ctx.t, card, ctx.tz, settled.shop_status)
