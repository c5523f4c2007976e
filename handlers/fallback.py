"""Whatever no other handler understood gets a short, helpful answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(anything_else, F.chat.type == "private")
    router.edited_message.register(edited, F.chat.type == "private")
    router.callback_query.register(stale_button)
    return router


async def anything_else(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("fallback-unknown"))


async def edited(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("fallback-edited"))


async def stale_button(query: CallbackQuery, i18n: Translator) -> None:
    await query.answer(i18n("fallback-stale-button"), show_alert=True)
