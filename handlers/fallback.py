"""Whatever no other handler understood gets a short, helpful answer."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from domain.shopper import refuse_press
from handlers.context import Ctx
from handlers.keyboards import help_keyboard, orders_keyboard


def create_router() -> Router:
    router = Router(name=__name__)
    # A screenshot with no application open: say how to attach it to one.
    router.message.register(stray_picture, F.chat.type == "private", F.photo | F.document)
    router.message.register(anything_else, F.chat.type == "private")
    # In groups the bot stays quiet except for commands meant for it.
    # Command() checks the @mention, so "/start@other_bot" is left to the other bot.
    router.message.register(
        wrong_chat, F.chat.type.in_({"group", "supergroup"}), Command(re.compile(r"\w+"))
    )
    router.edited_message.register(edited, F.chat.type == "private")
    router.callback_query.register(unknown_button)
    return router


async def anything_else(message: Message, ctx: Ctx) -> None:
    await message.answer(ctx.t("fallback-unknown"), reply_markup=help_keyboard(ctx.t))


async def stray_picture(message: Message, ctx: Ctx) -> None:
    # A screenshot belongs to an application, and an application starts on the order.
    await message.answer(ctx.t("fallback-picture"), reply_markup=orders_keyboard(ctx.t))


async def wrong_chat(message: Message, ctx: Ctx) -> None:
    await message.reply(ctx.t("wrong-chat"))


async def edited(message: Message, ctx: Ctx) -> None:
    await message.answer(ctx.t("fallback-edited"), reply_markup=help_keyboard(ctx.t))


async def unknown_button(query: CallbackQuery, ctx: Ctx) -> None:
    """Old buttons from an earlier version, or data nobody's keyboard ever had."""
    ctx.alert(ctx.t("fallback-stale-button"))
    await refuse_press(
        ctx.uow, "unknown_button", ctx.now(), who=f"tg:{ctx.user_id}", budget=ctx.rules.refusals
    )
