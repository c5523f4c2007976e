"""The shopper's orders: list with tabs, search, the order card, cancel and its reason."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, MagicData
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from domain.conversations import case_topic
from domain.orders import OrderTab
from domain.policy import NextStep
from domain.shop_cancels import CancelDesk, request_cancel
from domain.shopper import (
    MAX_QUERY,
    CancelOutcome,
    cancel_order,
    list_orders,
    open_order,
    open_order_by_number,
    record_cancel_reason,
    search_orders,
    shopper,
)
from handlers.callbacks import ListCb, OrderAction, OrderCb, ReasonCb, SearchCb
from handlers.common import on_unlinked_message, on_unlinked_press, show
from handlers.context import Ctx
from handlers.conversation_views import contact_keyboard
from handlers.keyboards import orders_keyboard
from handlers.views import (
    cancelled_view,
    card_view,
    confirm_view,
    list_view,
    not_cancelled_view,
    search_view,
    settled_view,
)

SEARCH_QUERY = "search_query"  # FSM data key: the last search, for its page buttons

AFTER_SALES_TEXT = {
    NextStep.NEGOTIATE_EXCHANGE: "after-sales-negotiate",
    NextStep.RETURN_REFUND: "after-sales-return",
    NextStep.CONTACT_AFTER_SALES: "after-sales-contact",
}


def create_router() -> Router:
    router = Router(name=__name__)
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


# --------------------------------------------------------------------------- commands


async def orders_command(message: Message, ctx: Ctx) -> None:
    orders = await list_orders(
        ctx.uow, ctx.customer.id, tab=OrderTab.ALL, page=0, rules=ctx.rules, now=ctx.now()
    )
    text, markup = list_view(ctx.t, orders)
    await message.answer(text, reply_markup=markup)


async def cancel_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """``/cancel ORDER_NO`` goes straight to the confirmation; bare ``/cancel`` lists orders."""
    order_no = (command.args or "").strip()
    if not order_no:
        await _usage(message, ctx)
    elif len(order_no) > MAX_QUERY:
        text = ctx.t("search-bad-number", text=order_no[:30] + "…")
        await message.answer(text, reply_markup=orders_keyboard(ctx.t))
    elif card := await open_order_by_number(
        ctx.uow, ctx.customer.id, order_no, ctx.rules, ctx.now()
    ):
        can = card.decision.can_cancel_now
        text, markup = confirm_view(ctx.t, card, ctx.tz) if can else card_view(ctx.t, card, ctx.tz)
        await message.answer(text, reply_markup=markup)
    else:
        text = ctx.t("search-no-order", order_no=order_no)
        await message.answer(text, reply_markup=orders_keyboard(ctx.t))


async def _usage(message: Message, ctx: Ctx) -> None:
    orders = await list_orders(
        ctx.uow, ctx.customer.id, tab=OrderTab.ALL, page=0, rules=ctx.rules, now=ctx.now()
    )
    text, markup = list_view(ctx.t, orders)
    await message.answer(f"{ctx.t('cancel-usage')}\n\n{text}", reply_markup=markup)


async def on_text(message: Message, state: FSMContext, ctx: Ctx) -> None:
    text = message.text or ""
    result = await search_orders(
        ctx.uow, ctx.customer.id, text, page=0, rules=ctx.rules, now=ctx.now()
    )
    if result.exact is not None:
        text, markup = card_view(ctx.t, result.exact, ctx.tz)
    elif result.matches is not None:
        await state.update_data({SEARCH_QUERY: result.matches.query})
        text, markup = search_view(ctx.t, result.matches, by_number=result.by_number)
    elif result.nothing:
        text, markup = ctx.t("search-nothing"), orders_keyboard(ctx.t)
    else:
        text, markup = ctx.t("search-bad-number", text=text[:30] + "…"), orders_keyboard(ctx.t)
    await message.answer(text, reply_markup=markup)


# --------------------------------------------------------------------------- lists


async def on_list(query: CallbackQuery, callback_data: ListCb, ctx: Ctx) -> None:
    tab, page = callback_data.tab, callback_data.page
    orders = await list_orders(
        ctx.uow, ctx.customer.id, tab=tab, page=page, rules=ctx.rules, now=ctx.now()
    )
    await show(query, *list_view(ctx.t, orders))


async def on_search_page(
    query: CallbackQuery, callback_data: SearchCb, state: FSMContext, ctx: Ctx
) -> None:
    text = (await state.get_data()).get(SEARCH_QUERY)
    if not text:
        ctx.alert(ctx.t("search-expired"))
        return
    result = await search_orders(
        ctx.uow, ctx.customer.id, text, page=callback_data.page, rules=ctx.rules, now=ctx.now()
    )
    if result.matches is not None:
        await show(query, *search_view(ctx.t, result.matches))


# --------------------------------------------------------------------------- the card

#: Presses that only show something about one order: it is loaded, ownership checked,
#: then rendered by action. Confirm is separate: it is the one that changes the order.
CARD_ACTIONS = frozenset(
    {OrderAction.OPEN, OrderAction.CANCEL, OrderAction.KEEP, OrderAction.AFTER_SALES}
)


async def on_card_press(query: CallbackQuery, callback_data: OrderCb, ctx: Ctx) -> None:
    card = await open_order(ctx.uow, ctx.customer.id, callback_data.order_id, ctx.rules, ctx.now())
    if card is None:
        ctx.alert(ctx.t("press-not-yours"))
        return
    action, order_no = callback_data.action, card.order.order_no
    if action is OrderAction.KEEP:
        ctx.toast(ctx.t("confirm-kept", order_no=order_no))
    after_sales = AFTER_SALES_TEXT.get(card.decision.next_step)
    if action is OrderAction.AFTER_SALES and after_sales is not None:
        # Staff must help from here: the text ends with the button that reaches them.
        markup = contact_keyboard(ctx.t, card.order.id, case_topic(card.decision))
        await ctx.bot.send_message(
            ctx.user_id, ctx.t(after_sales, order_no=order_no), reply_markup=markup
        )
    elif action is OrderAction.CANCEL and card.decision.can_cancel_now:
        await show(query, *confirm_view(ctx.t, card, ctx.tz))
    else:
        # Open, Keep, and any press whose order moved on: the order as it is now.
        await show(query, *card_view(ctx.t, card, ctx.tz))


async def on_confirm(query: CallbackQuery, callback_data: OrderCb, ctx: Ctx) -> None:
    if ctx.deps.desk is not None:
        await _confirm_with_shop(query, callback_data.order_id, ctx, ctx.deps.desk)
        return
    result = await cancel_order(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=callback_data.order_id,
        actor=shopper(ctx.user_id),
        rules=ctx.rules,
        now=ctx.now(),
        via=pressed_message(query),
    )
    if result.outcome is CancelOutcome.NOT_FOUND:
        ctx.alert(ctx.t("press-not-yours"))
        return
    if result.here:  # a double tap: the message already says what happened
        ctx.toast(ctx.t("cancel-already-toast"))
        return
    view = cancelled_view if result.outcome is CancelOutcome.CANCELLED else not_cancelled_view
    await show(query, *view(ctx.t, result, ctx.tz))


def pressed_message(query: CallbackQuery) -> str | None:
    message = query.message
    return f"{message.chat.id}:{message.message_id}" if message is not None else None


async def _confirm_with_shop(
    query: CallbackQuery, order_id: int, ctx: Ctx, desk: CancelDesk
) -> None:
    """The shop's order system decides: mark the order cancelling, ask, and show its answer
    in this message if it comes within a few seconds (else it is pushed when it comes)."""
    asked = await request_cancel(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=order_id,
        actor=shopper(ctx.user_id),
        rules=ctx.rules,
        now=ctx.now(),
    )
    if asked.card is None:
        ctx.alert(ctx.t("press-not-yours"))
        return
    # The card now says the shop is confirming; its answer replaces it below.
    await show(query, *card_view(ctx.t, asked.card, ctx.tz))
    await ctx.answer_now(query)
    if asked.request_id is not None and (settled := await desk.confirm(asked.request_id)):
        await show(query, *settled_view(ctx.t, settled, ctx.tz))


async def on_reason(query: CallbackQuery, callback_data: ReasonCb, ctx: Ctx) -> None:
    reason = callback_data.reason
    saved = await record_cancel_reason(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=callback_data.order_id,
        reason=reason,
        actor=shopper(ctx.user_id),
        now=ctx.now(),
        refusals=ctx.rules.refusals,
    )
    if saved:
        thanks = ctx.t("cancel-reason-thanks", reason=ctx.t(f"cancel-reason-{reason}"))
        ctx.toast(thanks)
        await _swap_question(query, thanks, ctx)


async def _swap_question(query: CallbackQuery, thanks: str, ctx: Ctx) -> None:
    """Keep the facts of the cancellation; swap the question for the thanks. Buttons that
    are not the question's (restoring a mistaken cancel) stay; with none left, the way
    back to the orders."""
    message = query.message
    if isinstance(message, Message) and message.text:
        facts = message.text.rsplit("\n\n", 1)[0]
        markup = _without_reasons(message.reply_markup) or orders_keyboard(ctx.t)
        await show(query, f"{facts}\n\n{thanks}", markup)


def _without_reasons(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    reason = f"{ReasonCb.__prefix__}{ReasonCb.__separator__}"
    rows = [
        kept
        for row in (markup.inline_keyboard if markup else [])
        if (kept := [b for b in row if not (b.callback_data or "").startswith(reason)])
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
