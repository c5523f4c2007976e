"""/refunds and the refund buttons: where each refund stands, and the one thing to do next.

Every press carries only a refund id, so each is checked against the pressing
shopper by the use case; someone else's id gets the same refusal as one that
does not exist, and changes nothing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, MagicData
from aiogram.types import CallbackQuery, Message

from domain.orders import Refund
from domain.policy import ShopRules
from domain.refunds import (
    ArrivalOutcome,
    ArrivalResult,
    answer_arrival,
    ask_staff_to_reinitiate,
    shopper_refund,
)
from domain.shopper import refuse_press, shopper, shopper_refunds
from handlers.callbacks import RefundButton, RefundCb
from handlers.common import on_unlinked_message, on_unlinked_press, show
from handlers.context import Ctx
from handlers.i18n import Translator
from handlers.refund_views import (
    Rendered,
    already_arrived_view,
    asked_staff_view,
    failed_view,
    guidance_view,
    refund_detail_view,
    refunds_view,
    thanks_view,
)

#: The shopper's buttons; the staff's actions share the enum but never come with this prefix.
SHOPPER_ACTIONS = frozenset(
    {RefundButton.OPEN, RefundButton.ARRIVED, RefundButton.NOT_YET, RefundButton.ASK_STAFF}
)


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(RefundCb.filter(F.action.in_(SHOPPER_ACTIONS)))
    unlinked = MagicData(F.customer.is_(None))
    router.message.register(on_unlinked_message, unlinked, Command("refunds"))
    router.callback_query.register(on_unlinked_press, unlinked)
    router.message.register(refunds, Command("refunds"))
    router.callback_query.register(on_open, RefundCb.filter(F.action == RefundButton.OPEN))
    router.callback_query.register(
        on_arrival, RefundCb.filter(F.action.in_({RefundButton.ARRIVED, RefundButton.NOT_YET}))
    )
    router.callback_query.register(
        on_ask_staff, RefundCb.filter(F.action == RefundButton.ASK_STAFF)
    )
    return router


async def refunds(message: Message, ctx: Ctx) -> None:
    found = await shopper_refunds(ctx.uow, ctx.customer.id)
    text, markup = refunds_view(ctx.t, found, ctx.tz, ctx.now())
    await message.answer(text, reply_markup=markup)


async def _refuse(ctx: Ctx) -> None:
    ctx.alert(ctx.t("refund-not-found"))
    await refuse_press(
        ctx.uow, "refund_not_owned", ctx.now(), who=f"tg:{ctx.user_id}", budget=ctx.rules.refusals
    )


async def on_open(query: CallbackQuery, callback_data: RefundCb, ctx: Ctx) -> None:
    found = await shopper_refund(ctx.uow, ctx.customer.id, callback_data.refund_id)
    if found is None:
        await _refuse(ctx)
        return
    refund, events = found
    await show(query, *refund_detail_view(ctx.t, refund, events, ctx.tz, ctx.now()))


async def on_arrival(query: CallbackQuery, callback_data: RefundCb, ctx: Ctx) -> None:
    result = await answer_arrival(
        ctx.uow,
        ctx.customer.id,
        callback_data.refund_id,
        arrived=callback_data.action is RefundButton.ARRIVED,
        actor=shopper(ctx.user_id),
        now=ctx.now(),
        attempt=callback_data.attempt,
    )
    await _reply(query, result, ctx)


async def on_ask_staff(query: CallbackQuery, callback_data: RefundCb, ctx: Ctx) -> None:
    result = await ask_staff_to_reinitiate(
        ctx.uow,
        ctx.customer.id,
        callback_data.refund_id,
        actor=shopper(ctx.user_id),
        now=ctx.now(),
        attempt=callback_data.attempt,
    )
    await _reply(query, result, ctx)


async def _reply(query: CallbackQuery, result: ArrivalResult, ctx: Ctx) -> None:
    refund = result.refund
    if result.outcome is ArrivalOutcome.NOT_FOUND or refund is None:
        await _refuse(ctx)
    elif result.outcome is ArrivalOutcome.STALE:
        await _show_current(query, refund, ctx)
    else:
        await show(query, *_outcome_view(ctx.t, result.outcome, refund, result, ctx.rules))


async def _show_current(query: CallbackQuery, refund: Refund, ctx: Ctx) -> None:
    """A button of a try staff have started again since: show where the refund stands now."""
    found = await shopper_refund(ctx.uow, refund.customer_id, refund.id)
    if found is None:
        await _refuse(ctx)
        return
    ctx.toast(ctx.t("refund-stale-question"))
    now_refund, events = found
    await show(query, *refund_detail_view(ctx.t, now_refund, events, ctx.tz, ctx.now()))


def _outcome_view(
    t: Translator,
    outcome: ArrivalOutcome,
    refund: Refund,
    result: ArrivalResult,
    rules: ShopRules,
) -> Rendered:
    if outcome is ArrivalOutcome.THANKS:
        return thanks_view(t, refund)
    if outcome is ArrivalOutcome.ALREADY_ARRIVED:
        return already_arrived_view(t, refund, rules.tz)
    if outcome is ArrivalOutcome.FAILED:
        return failed_view(t, refund)
    if outcome is ArrivalOutcome.ASKED:
        return asked_staff_view(t, refund)
    # "Not yet": answer_arrival always says when staff will look.
    assert result.follow_up_at is not None
    return guidance_view(t, refund, result.follow_up_at, rules.tz)
