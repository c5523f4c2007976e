"""Whatever no other handler understood gets a short, helpful answer."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.i18n import Translator

router = Router(name=__name__)


@router.message(F.chat.type == "private")
async def anything_else(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("fallback-unknown"))


@router.edited_message(F.chat.type == "private")
async def edited(message: Message, i18n: Translator) -> None:
    await message.answer(i18n("fallback-edited"))


@router.callback_query()
async def stale_button(query: CallbackQuery, i18n: Translator) -> None:
    await query.answer(i18n("fallback-stale-button"), show_alert=True)
