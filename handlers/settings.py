"""/lang: the shopper picks the bot's language; the choice is saved and used from then on."""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from domain.shopper import refuse_press, set_language
from handlers.callbacks import LangCb
from handlers.context import Ctx
from handlers.i18n import LOCALES, Translations


def create_router() -> Router:
    router = Router(name=__name__)
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


async def choose(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """``/lang`` offers the choice; ``/lang en`` (or zh) makes it at once."""
    translations = ctx.deps.translations
    wanted = (command.args or "").strip().lower()
    if wanted in LOCALES:
        await set_language(ctx.uow, ctx.user_id, wanted, ctx.now())
        text, current = translations.get(wanted)("lang-changed"), wanted
    else:
        text, current = ctx.t("lang-choose"), ctx.t.locale
    await message.answer(text, reply_markup=language_keyboard(translations, current))


async def chosen(query: CallbackQuery, callback_data: LangCb, ctx: Ctx) -> None:
    locale = callback_data.locale
    await set_language(ctx.uow, ctx.user_id, locale, ctx.now())
    changed = ctx.deps.translations.get(locale)("lang-changed")
    ctx.toast(changed)
    if isinstance(query.message, Message):
        # A double tap edits to the same text ("not modified") and an old message may no
        # longer be editable; either way the press's answer confirms the choice.
        with contextlib.suppress(TelegramBadRequest):
            markup = language_keyboard(ctx.deps.translations, locale)
            await query.message.edit_text(changed, reply_markup=markup)


async def forged(query: CallbackQuery, ctx: Ctx) -> None:
    ctx.alert(ctx.t("lang-unknown"))
    await refuse_press(
        ctx.uow, "unknown_language", ctx.now(), who=f"tg:{ctx.user_id}", budget=ctx.rules.refusals
    )
