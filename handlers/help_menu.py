"""/help and the ❓ help menu: the article's common problems, each answer ending in one
button that acts on it (open the orders, the refunds, the applications).
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, MagicData
from aiogram.types import CallbackQuery, Message

from domain.review import customer_tickets
from domain.shopper import OrderCard, recent_cancelled, shopper_refunds
from handlers.apply.views import tickets_view
from handlers.callbacks import HelpCb, HelpTopic, MenuCb, MenuTarget
from handlers.common import on_unlinked_press, show
from handlers.context import Ctx
from handlers.help_views import ABOUT_CANCELLED, answer_view, menu_view
from handlers.refund_views import refunds_view


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(help_command, Command("help"))
    router.callback_query.register(on_help, HelpCb.filter())
    unlinked = MagicData(F.customer.is_(None))
    router.callback_query.register(on_unlinked_press, MenuCb.filter(), unlinked)
    router.callback_query.register(on_menu, MenuCb.filter())
    return router


async def help_command(message: Message, ctx: Ctx) -> None:
    text, markup = menu_view(ctx.t)
    await message.answer(text, reply_markup=markup)


async def on_help(query: CallbackQuery, callback_data: HelpCb, ctx: Ctx) -> None:
    topic = callback_data.topic
    if topic is HelpTopic.MENU:
        await show(query, *menu_view(ctx.t))
        return
    cards: list[OrderCard] = []
    if topic in ABOUT_CANCELLED and ctx.linked is not None:
        cards = await recent_cancelled(ctx.uow, ctx.linked.id, ctx.rules, ctx.now())
    await show(query, *answer_view(ctx.t, topic, ctx.rules, cards))


async def on_menu(query: CallbackQuery, callback_data: MenuCb, ctx: Ctx) -> None:
    """A help answer's button: the shopper's own refunds or applications, as their commands
    show them (ownership is the linked customer's, nothing in the button names anyone)."""
    if callback_data.target is MenuTarget.REFUNDS:
        found = await shopper_refunds(ctx.uow, ctx.customer.id)
        text, markup = refunds_view(ctx.t, found, ctx.tz, ctx.now())
    else:
        text, markup = tickets_view(ctx.t, await customer_tickets(ctx.uow, ctx.customer.id))
    # A new message: the help answer stays above, to read again.
    await ctx.bot.send_message(ctx.user_id, text, reply_markup=markup)
