"""Small helpers and handlers shared by the shopper's routers."""

from __future__ import annotations

from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from domain.shopper import MAX_QUERY, OrderCard, open_order_by_number, refuse_press
from handlers.context import Ctx
from handlers.keyboards import orders_keyboard
from handlers.link import contact_keyboard


async def show(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Replace the pressed message; send a new one when it cannot be edited.

    The result of a press (often already committed) must reach the shopper even
    when the edit fails for any reason, not only when the message is too old.
    """
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" in error.message:
                return
        except TelegramAPIError:
            pass
        else:
            return
    if query.bot is not None and query.from_user is not None:
        await query.bot.send_message(query.from_user.id, text, reply_markup=markup)


async def on_unlinked_press(query: CallbackQuery, ctx: Ctx) -> None:
    """A press from someone whose Telegram is not linked to a customer: say how to link."""
    ctx.alert(ctx.t("press-not-linked"))
    await refuse_press(
        ctx.uow, "not_linked", ctx.now(), who=f"tg:{ctx.user_id}", budget=ctx.rules.refusals
    )


async def on_unlinked_message(message: Message, ctx: Ctx) -> None:
    """Nothing can be looked up before linking: the answer ends in the phone link's button."""
    await message.answer(ctx.t("unlinked-hint"), reply_markup=contact_keyboard(ctx.t))


async def named_order(
    message: Message, command: CommandObject, ctx: Ctx, usage: str, *, cancelled: bool = False
) -> OrderCard | None:
    """The shopper's own order a command names (``/apply ORDER_NO``); None once the shopper
    was told why not (``usage`` for a missing or overlong number, or no such order), with
    the button to their orders (``cancelled``: the cancelled ones) to pick it from."""
    order_no = (command.args or "").strip()
    markup = orders_keyboard(ctx.t, cancelled=cancelled)
    if not order_no or len(order_no) > MAX_QUERY:
        await message.answer(ctx.t(usage), reply_markup=markup)
        return None
    card = await open_order_by_number(ctx.uow, ctx.customer.id, order_no, ctx.rules, ctx.now())
    if card is None:
        await message.answer(ctx.t("search-no-order", order_no=order_no), reply_markup=markup)
    return card
