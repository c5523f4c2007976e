"""/lang: the shopper picks the bot's language; the choice is saved and used from then on."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.ports import Clock, UnitOfWork
from domain.shopper import refuse_press, set_language
from handlers.callbacks import LangCb
from handlers.i18n import LOCALES, Translations, Translator


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(choose, Command("lang"))
    router.callback_query.register(chosen, LangCb.filter(F.locale.in_(LOCALES)))
    router.callback_query.register(forged, LangCb.filter())
    return router


def language_keyboard(translations: Translations, current: str) -> InlineKeyboardMarkup:
    """One button per language, each named in its own language; the current one ticked."""
    builder = InlineKeyboardBuilder()
    for locale in LOCALES:
        name = translations.get(locale)("lang-self")
        if locale == current:
            name = translations.get(current)("lang-button-current", name=name)
        builder.row(InlineKeyboardButton(text=name, callback_data=LangCb(locale=locale).pack()))
    return builder.as_markup()


async def choose(
    message: Message,
    command: CommandObject,
    *,
    uow: UnitOfWork,
    clock: Clock,
    i18n: Translator,
    translations: Translations,
) -> None:
    """``/lang`` offers the choice; ``/lang en`` (or zh) makes it at once."""
    wanted = (command.args or "").strip().lower()
    if wanted in LOCALES:
        user_id = message.from_user.id if message.from_user else message.chat.id
        await set_language(uow, user_id, wanted, clock.now())
        t = translations.get(wanted)
        await message.answer(
            t("lang-changed"), reply_markup=language_keyboard(translations, wanted)
        )
        return
    await message.answer(
        i18n("lang-choose"), reply_markup=language_keyboard(translations, i18n.locale)
    )


async def chosen(
    query: CallbackQuery,
    callback_data: LangCb,
    uow: UnitOfWork,
    clock: Clock,
    translations: Translations,
) -> None:
    locale = callback_data.locale
    await set_language(uow, query.from_user.id, locale, clock.now())
    t = translations.get(locale)
    await query.answer(t("lang-changed"))
    if isinstance(query.message, Message):
        # A double tap edits to the same text ("not modified") and an old message may no
        # longer be editable; either way the answer above already confirmed the choice.
        with contextlib.suppress(TelegramBadRequest):
            await query.message.edit_text(
                t("lang-changed"), reply_markup=language_keyboard(translations, locale)
            )


async def forged(query: CallbackQuery, *, uow: UnitOfWork, clock: Clock, i18n: Translator) -> None:
    await query.answer(i18n("lang-unknown"), show_alert=True)
    await refuse_press(uow, "unknown_language", clock.now())
