"""Talking to staff, the shopper's side: 💬 opens a case, then their messages go to it.

``/contact [ORDER_NO]`` and ``ContactCb`` open (or go back to) the case about an order;
``ContactCb(action=ContactAction.MENU)`` asks which order first (the help menu's entry).
While the shopper writes to a case (``ConversationFlow.writing``) their plain messages
(text, photos, files; not commands, not buttons) go to it; any other command, or
"end chat", ends that, and the case stays open for staff's answers.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Command, CommandObject, MagicData, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from domain.cases import Incoming, MessageKind
from domain.conversations import (
    OpenOutcome,
    OpenResult,
    WriteOutcome,
    contact_menu,
    open_case,
    open_case_by_id,
    open_case_by_number,
    shopper_writes,
)
from domain.orders import OrderTab
from domain.shopper import MAX_QUERY, list_orders, shopper
from handlers.callbacks import CaseAction, CaseCb, ContactAction, ContactCb
from handlers.common import on_unlinked_message, on_unlinked_press, show
from handlers.context import Ctx
from handlers.conversation_views import leave_keyboard, opened_view, pick_view, written_view
from handlers.keyboards import contact_menu_keyboard
from handlers.states import ConversationFlow
from handlers.views import list_view

CASE = "case"  # FSM data: the case the shopper is writing to


def create_leave_router() -> Router:
    """A command while writing to staff ends that first, then reaches its own handler."""
    router = Router(name=f"{__name__}.leave")
    router.message.filter(StateFilter(ConversationFlow.writing))
    router.message.register(on_command_while_writing, F.text.startswith("/"))
    return router


def create_router() -> Router:
    router = Router(name=__name__)
    unlinked = MagicData(F.customer.is_(None))
    router.callback_query.register(
        on_unlinked_press, unlinked, or_f(ContactCb.filter(), CaseCb.filter())
    )
    router.message.register(on_unlinked_message, unlinked, Command("contact"))
    router.message.register(on_unlinked_writing, unlinked, ConversationFlow.writing)
    router.message.register(contact_command, Command("contact"))
    router.callback_query.register(on_contact, ContactCb.filter(F.action == ContactAction.OPEN))
    router.callback_query.register(on_menu, ContactCb.filter(F.action == ContactAction.MENU))
    router.callback_query.register(on_write, CaseCb.filter(F.action == CaseAction.WRITE))
    router.callback_query.register(on_leave, CaseCb.filter(F.action == CaseAction.LEAVE))
    # A command is never passed on (the leave router let it through to its own handler).
    router.message.register(on_message, ConversationFlow.writing, ~F.text.startswith("/"))
    return router


def incoming_of(message: Message) -> Incoming | None:
    """What of a message can be passed on: text, a photo or a file (with its caption)."""
    chat_id, message_id = message.chat.id, message.message_id
    album = message.media_group_id
    if message.text is not None:
        return Incoming(chat_id, message_id, MessageKind.TEXT)
    if message.photo:
        file_id = message.photo[-1].file_id
        return Incoming(chat_id, message_id, MessageKind.PHOTO, file_id, message.caption, album)
    if message.document is not None:
        file_id = message.document.file_id
        return Incoming(chat_id, message_id, MessageKind.DOCUMENT, file_id, message.caption, album)
    return None


# --------------------------------------------------------------------------- opening


async def contact_command(
    message: Message, command: CommandObject, state: FSMContext, ctx: Ctx
) -> None:
    """``/contact ORDER_NO`` opens that order's case; bare ``/contact`` asks which order."""
    order_no = (command.args or "").strip()
    if not order_no:
        menu = await contact_menu(ctx.uow, ctx.customer.id, ctx.rules, ctx.now())
        text, markup = pick_view(ctx.t, menu.cases, menu.orders)
        await message.answer(text, reply_markup=markup)
        return
    # A number that names none of the shopper's orders still reaches a person: the button
    # asks which order it is about (or none), as bare /contact does.
    if len(order_no) > MAX_QUERY:
        await message.answer(ctx.t("contact-usage"), reply_markup=contact_menu_keyboard(ctx.t))
        return
    result = await open_case_by_number(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_no=order_no,
        actor=shopper(ctx.user_id),
        rules=ctx.rules,
        now=ctx.now(),
        reopen_within=ctx.deps.case_reopen,
    )
    if result.case is None:
        text = ctx.t("search-no-order", order_no=order_no)
        await message.answer(text, reply_markup=contact_menu_keyboard(ctx.t))
        return
    await _start_writing(state, result)
    text, markup = opened_view(ctx.t, result, ctx.tz)
    await message.answer(text, reply_markup=markup)


async def on_contact(
    query: CallbackQuery, callback_data: ContactCb, state: FSMContext, ctx: Ctx
) -> None:
    """💬 on a card, a refund, a ticket or the picker: the order is checked on every press."""
    result = await open_case(
        ctx.uow,
        customer_id=ctx.customer.id,
        order_id=callback_data.order_id,
        topic=callback_data.topic,
        actor=shopper(ctx.user_id),
        rules=ctx.rules,
        now=ctx.now(),
        reopen_within=ctx.deps.case_reopen,
    )
    await _opened(query, state, result, ctx)


async def on_write(
    query: CallbackQuery, callback_data: CaseCb, state: FSMContext, ctx: Ctx
) -> None:
    """ "Reply" under staff's message, or a case to continue from the picker."""
    result = await open_case_by_id(
        ctx.uow,
        customer_id=ctx.customer.id,
        case_id=callback_data.case_id,
        actor=shopper(ctx.user_id),
        rules=ctx.rules,
        now=ctx.now(),
        reopen_within=ctx.deps.case_reopen,
    )
    await _opened(query, state, result, ctx)


async def _opened(query: CallbackQuery, state: FSMContext, result: OpenResult, ctx: Ctx) -> None:
    if result.outcome is OpenOutcome.NOT_FOUND:
        ctx.alert(ctx.t("press-not-yours"))
        return
    await _start_writing(state, result)
    # A new message: the card or the staff message pressed stays as it was.
    text, markup = opened_view(ctx.t, result, ctx.tz)
    await ctx.bot.send_message(ctx.user_id, text, reply_markup=markup)


async def _start_writing(state: FSMContext, result: OpenResult) -> None:
    assert result.case is not None
    await state.set_state(ConversationFlow.writing)
    await state.update_data({CASE: result.case.id})


async def on_menu(query: CallbackQuery, ctx: Ctx) -> None:
    menu = await contact_menu(ctx.uow, ctx.customer.id, ctx.rules, ctx.now())
    text, markup = pick_view(ctx.t, menu.cases, menu.orders)
    await ctx.bot.send_message(ctx.user_id, text, reply_markup=markup)


# --------------------------------------------------------------------------- writing


async def on_message(message: Message, state: FSMContext, ctx: Ctx) -> None:
    """A message while writing to staff: recorded in the case, relayed by the outbox."""
    incoming = incoming_of(message)
    case_id = (await state.get_data()).get(CASE)
    if incoming is None:
        # Still writing to the case: what else to send is up to them, ending it is a press.
        way_on = (
            leave_keyboard(ctx.t, case_id)
            if isinstance(case_id, int)
            else contact_menu_keyboard(ctx.t)
        )
        await message.answer(ctx.t("conversation-unsupported"), reply_markup=way_on)
        return
    if not isinstance(case_id, int):
        await _stop_writing(state)
        await message.answer(ctx.t("conversation-gone"), reply_markup=contact_menu_keyboard(ctx.t))
        return
    result = await shopper_writes(
        ctx.uow,
        customer_id=ctx.customer.id,
        case_id=case_id,
        incoming=incoming,
        telegram_id=ctx.user_id,
        rules=ctx.rules,
        now=ctx.now(),
        reopen_within=ctx.deps.case_reopen,
    )
    if result.outcome is WriteOutcome.NOT_FOUND or result.case is None:
        await _stop_writing(state)
        await message.answer(ctx.t("conversation-gone"), reply_markup=contact_menu_keyboard(ctx.t))
        return
    if result.case.id != case_id:  # the old case had ended: a new one took this message
        await state.update_data({CASE: result.case.id})
    view = written_view(ctx.t, result, ctx.tz) if result.outcome is WriteOutcome.SENT else None
    if view is not None:
        text, markup = view
        await message.answer(text, reply_markup=markup)


async def _stop_writing(state: FSMContext) -> None:
    await state.set_state(None)
    await state.update_data({CASE: None})


async def on_leave(query: CallbackQuery, state: FSMContext, ctx: Ctx) -> None:
    """ "End chat / back to my orders": the case stays open, staff's answers still come."""
    await _stop_writing(state)
    orders = await list_orders(
        ctx.uow, ctx.customer.id, tab=OrderTab.ALL, page=0, rules=ctx.rules, now=ctx.now()
    )
    text, markup = list_view(ctx.t, orders)
    await show(query, f"{ctx.t('conversation-left')}\n\n{text}", markup)


async def on_command_while_writing(message: Message, state: FSMContext) -> None:
    command = (message.text or "").partition(" ")[0]
    if command[1:].split("@", 1)[0].lower() != "contact":
        await _stop_writing(state)
    raise SkipHandler


async def on_unlinked_writing(message: Message, state: FSMContext, ctx: Ctx) -> None:
    await _stop_writing(state)  # unlinked meanwhile: the case is no longer theirs to write to
    await on_unlinked_message(message, ctx)
