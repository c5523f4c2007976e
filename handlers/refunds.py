"""/refunds and the refund buttons: where each refund stands, and the one thing to do next.

Every press carries only a refund id, so each is checked against the pressing
shopper by the use case; someone else's id gets the same refusal as one that
does not exist, and changes nothing.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, MagicData
from aiogram.types import CallbackQuery, Message

from domain.orders import Customer, Refund
from domain.policy import ShopRules
from domain.ports import Clock, UnitOfWork
from domain.refunds import (
    ArrivalOutcome,
    ArrivalResult,
    answer_arrival,
    ask_staff_to_reinitiate,
    shopper_refund,
)
from domain.shopper import refuse_press, shopper, shopper_refunds
from handlers.callbacks import RefundButton, RefundCb
from handlers.common import answer, show
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
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(
        F.message.chat.type == "private", RefundCb.filter(F.action.in_(SHOPPER_ACTIONS))
    )
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


async def on_unlinked_message(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("unlinked-hint"))


async def on_unlinked_press(
    query: CallbackQuery, *, uow: UnitOfWork, clock: Clock, i18n: Translator
) -> None:
    await answer(query, i18n("unlinked-hint"), alert=True)
    await refuse_press(uow, "not_linked", clock.now())


async def refunds(
    message: Message,
    *,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    found = await shopper_refunds(uow, customer.id)
    text, markup = refunds_view(i18n, found, rules.tz, clock.now())
    await message.answer(text, reply_markup=markup)


async def _refuse(query: CallbackQuery, uow: UnitOfWork, clock: Clock, i18n: Translator) -> None:
    await answer(query, i18n("refund-not-found"), alert=True)
    await refuse_press(uow, "refund_not_owned", clock.now())


async def on_open(
    query: CallbackQuery,
    *,
    callback_data: RefundCb,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    found = await shopper_refund(uow, customer.id, callback_data.refund_id)
    if found is None:
        await _refuse(query, uow, clock, i18n)
        return
    await answer(query)
    refund, events = found
    await show(query, *refund_detail_view(i18n, refund, events, rules.tz, clock.now()))


async def on_arrival(
    query: CallbackQuery,
    *,
    callback_data: RefundCb,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    assert query.from_user is not None
    result = await answer_arrival(
        uow,
        customer.id,
        callback_data.refund_id,
        arrived=callback_data.action is RefundButton.ARRIVED,
        actor=shopper(query.from_user.id),
        now=clock.now(),
        attempt=callback_data.attempt,
    )
    await _reply(query, result, uow=uow, clock=clock, i18n=i18n, rules=rules)


async def on_ask_staff(
    query: CallbackQuery,
    *,
    callback_data: RefundCb,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    assert query.from_user is not None
    result = await ask_staff_to_reinitiate(
        uow,
        customer.id,
        callback_data.refund_id,
        actor=shopper(query.from_user.id),
        now=clock.now(),
        attempt=callback_data.attempt,
    )
    await _reply(query, result, uow=uow, clock=clock, i18n=i18n, rules=rules)


async def _reply(
    query: CallbackQuery,
    result: ArrivalResult,
    *,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
    rules: ShopRules,
) -> None:
    refund = result.refund
    if result.outcome is ArrivalOutcome.NOT_FOUND or refund is None:
        await _refuse(query, uow, clock, i18n)
        return
    if result.outcome is ArrivalOutcome.STALE:
        # A button of a try staff have started again since: show where the refund stands now.
        found = await shopper_refund(uow, refund.customer_id, refund.id)
        if found is None:
            await _refuse(query, uow, clock, i18n)
            return
        await answer(query, i18n("refund-stale-question"))
        now_refund, events = found
        await show(query, *refund_detail_view(i18n, now_refund, events, rules.tz, clock.now()))
        return
    await answer(query)
    await show(query, *_outcome_view(i18n, result.outcome, refund, result, rules))


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
