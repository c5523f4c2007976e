"""The shopper's orders: list with tabs, search, the order card, cancel and its reason."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, MagicData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.orders import Customer, OrderTab
from domain.policy import NextStep, ShopRules
from domain.ports import Clock, UnitOfWork
from domain.shopper import (
    MAX_QUERY,
    CancelOutcome,
    cancel_order,
    list_orders,
    open_order,
    open_order_by_number,
    record_cancel_reason,
    refuse_press,
    search_orders,
    shopper,
)
from handlers.callbacks import ListCb, OrderAction, OrderCb, ReasonCb, SearchCb
from handlers.common import answer, show
from handlers.i18n import Translator
from handlers.views import (
    cancelled_view,
    card_view,
    confirm_view,
    list_view,
    not_cancelled_view,
    search_view,
)

SEARCH_QUERY = "search_query"  # FSM data key: the last search, for its page buttons

AFTER_SALES_TEXT = {
    NextStep.NEGOTIATE_EXCHANGE: "after-sales-negotiate",
    NextStep.RETURN_REFUND: "after-sales-return",
    NextStep.CONTACT_AFTER_SALES: "after-sales-contact",
}


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    # Everything below needs a linked shopper; the unlinked are told how to link first.
    unlinked = MagicData(F.customer.is_(None))
    router.callback_query.register(on_unlinked_press, unlinked)
    router.message.register(on_unlinked_message, unlinked, Command("orders", "cancel"))
    router.message.register(on_unlinked_message, unlinked, F.text, ~F.text.startswith("/"))
    router.message.register(orders_command, Command("orders"))
    router.message.register(cancel_command, Command("cancel"))
    router.callback_query.register(on_list, ListCb.filter())
    router.callback_query.register(on_search_page, SearchCb.filter())
    router.callback_query.register(on_card_press, OrderCb.filter(F.action.in_(CARD_ACTIONS)))
    router.callback_query.register(on_confirm, OrderCb.filter(F.action == OrderAction.CONFIRM))
    router.callback_query.register(on_reason, ReasonCb.filter())
    # Any other text from a shopper is a search: an order number, or part of a product name.
    router.message.register(on_text, F.text, ~F.text.startswith("/"))
    return router


async def on_unlinked_press(
    query: CallbackQuery, *, uow: UnitOfWork, clock: Clock, i18n: Translator
) -> None:
    await answer(query, i18n("press-not-linked"), alert=True)
    await refuse_press(uow, "not_linked", clock.now())


async def on_unlinked_message(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("unlinked-hint"))


# --------------------------------------------------------------------------- commands


async def orders_command(
    message: Message,
    *,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    orders = await list_orders(
        uow, customer.id, tab=OrderTab.ALL, page=0, rules=rules, now=clock.now()
    )
    text, markup = list_view(i18n, orders)
    await message.answer(text, reply_markup=markup)


async def cancel_command(
    message: Message,
    *,
    command: CommandObject,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    """``/cancel ORDER_NO`` goes straight to the confirmation; bare ``/cancel`` lists orders."""
    order_no = (command.args or "").strip()
    if not order_no:
        orders = await list_orders(
            uow, customer.id, tab=OrderTab.ALL, page=0, rules=rules, now=clock.now()
        )
        text, markup = list_view(i18n, orders)
        await message.answer(f"{i18n('cancel-usage')}\n\n{text}", reply_markup=markup)
        return
    if len(order_no) > MAX_QUERY:
        await message.answer(i18n("search-bad-number", text=order_no[:30] + "…"))
        return
    card = await open_order_by_number(uow, customer.id, order_no, rules, clock.now())
    if card is None:
        await message.answer(i18n("search-no-order", order_no=order_no))
        return
    text, markup = (
        confirm_view(i18n, card)
        if card.decision.can_cancel_now
        else card_view(i18n, card, rules.tz)
    )
    await message.answer(text, reply_markup=markup)


async def on_text(
    message: Message,
    *,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    result = await search_orders(
        uow, customer.id, message.text or "", page=0, rules=rules, now=clock.now()
    )
    if result.exact is not None:
        text, markup = card_view(i18n, result.exact, rules.tz)
    elif result.matches is not None:
        await state.update_data({SEARCH_QUERY: result.matches.query})
        text, markup = search_view(i18n, result.matches, by_number=result.by_number)
    else:
        text, markup = i18n("search-bad-number", text=(message.text or "")[:30] + "…"), None
    await message.answer(text, reply_markup=markup)


# --------------------------------------------------------------------------- lists


async def on_list(
    query: CallbackQuery,
    *,
    callback_data: ListCb,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    await answer(query)
    orders = await list_orders(
        uow,
        customer.id,
        tab=callback_data.tab,
        page=callback_data.page,
        rules=rules,
        now=clock.now(),
    )
    await show(query, *list_view(i18n, orders))


async def on_search_page(
    query: CallbackQuery,
    *,
    callback_data: SearchCb,
    state: FSMContext,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    text = (await state.get_data()).get(SEARCH_QUERY)
    if not text:
        await answer(query, i18n("search-expired"), alert=True)
        return
    await answer(query)
    result = await search_orders(
        uow, customer.id, text, page=callback_data.page, rules=rules, now=clock.now()
    )
    if result.matches is not None:
        await show(query, *search_view(i18n, result.matches))


# --------------------------------------------------------------------------- the card

#: Presses that only show something about one order: it is loaded, ownership checked,
#: then rendered by action. Confirm is separate: it is the one that changes the order.
CARD_ACTIONS = frozenset(
    {OrderAction.OPEN, OrderAction.CANCEL, OrderAction.KEEP, OrderAction.AFTER_SALES}
)


async def on_card_press(
    query: CallbackQuery,
    *,
    callback_data: OrderCb,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    card = await open_order(uow, customer.id, callback_data.order_id, rules, clock.now())
    if card is None:
        await answer(query, i18n("press-not-yours"), alert=True)
        return
    action = callback_data.action
    toast = (
        i18n("confirm-kept", order_no=card.order.order_no) if action is OrderAction.KEEP else None
    )
    await answer(query, toast)
    after_sales = AFTER_SALES_TEXT.get(card.decision.next_step)
    if action is OrderAction.AFTER_SALES and after_sales is not None:
        assert query.message is not None
        await query.message.answer(i18n(after_sales, order_no=card.order.order_no))
    elif action is OrderAction.CANCEL and card.decision.can_cancel_now:
        await show(query, *confirm_view(i18n, card))
    else:
        # Open, Keep, and any press whose order moved on: the order as it is now.
        await show(query, *card_view(i18n, card, rules.tz))


async def on_confirm(
    query: CallbackQuery,
    *,
    callback_data: OrderCb,
    customer: Customer,
    uow: UnitOfWork,
    rules: ShopRules,
    clock: Clock,
    i18n: Translator,
) -> None:
    assert query.from_user is not None
    result = await cancel_order(
        uow,
        customer_id=customer.id,
        order_id=callback_data.order_id,
        actor=shopper(query.from_user.id),
        rules=rules,
        now=clock.now(),
    )
    if result.outcome is CancelOutcome.NOT_FOUND:
        await answer(query, i18n("press-not-yours"), alert=True)
        return
    await answer(query)
    if result.outcome is CancelOutcome.CANCELLED:
        await show(query, *cancelled_view(i18n, result, rules.tz))
    else:
        await show(query, *not_cancelled_view(i18n, result, rules.tz))


async def on_reason(
    query: CallbackQuery,
    *,
    callback_data: ReasonCb,
    customer: Customer,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
) -> None:
    assert query.from_user is not None
    saved = await record_cancel_reason(
        uow,
        customer_id=customer.id,
        order_id=callback_data.order_id,
        reason=callback_data.reason,
        actor=shopper(query.from_user.id),
        now=clock.now(),
    )
    reason = i18n(f"cancel-reason-{callback_data.reason}")
    await answer(query, i18n("cancel-reason-thanks", reason=reason) if saved else None)
    message = query.message
    if saved and isinstance(message, Message) and message.text:
        thanks = i18n("cancel-reason-thanks", reason=reason)
        # Keep the facts of the cancellation; swap the question for the thanks.
        facts = message.text.rsplit("\n\n", 1)[0]
        await show(query, f"{facts}\n\n{thanks}", None)
