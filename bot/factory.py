"""The composition root: Bot and Dispatcher built from settings, nothing global."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ChatType
from aiogram.types import BotCommand, BotCommandScopeDefault, ErrorEvent

from bot.config import Settings
from bot.flood import FloodGate, Sleep
from bot.fsm_storage import DatabaseStorage
from bot.middlewares import DatabaseMiddleware, LocaleMiddleware
from bot.shop_http import HttpShop
from bot.throttle import Throttle
from domain.calendar import CalendarOverrides, WorkdayCalendar
from domain.policy import ShopRules
from domain.ports import Clock, SystemClock
from domain.shop_cancels import CancelDesk
from handlers import get_routers
from handlers.deps import Deps, StaffChat
from handlers.i18n import LOCALES, Translations, Translator
from handlers.keyboards import help_keyboard
from storage.db import SessionFactory

log = logging.getLogger(__name__)

#: Commands shown in Telegram's menu, in this order; descriptions come from the locale files.
MENU_COMMANDS = (
    "start",
    "orders",
    "cancel",
    "tickets",
    "refunds",
    "contact",
    "help",
    "lang",
    "unlink",
)


def create_bot(settings: Settings, clock: Clock | None = None, sleep: Sleep | None = None) -> Bot:
    """The Bot, behind one flood gate that its handlers' replies and the notifier share."""
    api = (
        TelegramAPIServer.from_base(settings.telegram_api_url)
        if settings.telegram_api_url
        else None
    )
    session = AiohttpSession(api=api) if api else AiohttpSession()
    session.middleware(
        FloodGate(
            clock or SystemClock(),
            sleep or asyncio.sleep,
            per_second=settings.global_messages_per_second,
            staff_chat_id=settings.staff_chat_id,
            staff_per_minute=settings.staff_messages_per_minute,
            chat_per_second=settings.chat_messages_per_second,
        )
    )
    return Bot(token=settings.require_token(), session=session)


def create_rules(settings: Settings) -> ShopRules:
    overrides = CalendarOverrides.load(settings.calendar_file) if settings.calendar_file else None
    return ShopRules(
        calendar=WorkdayCalendar(overrides),
        tz=settings.tz,
        restore_window=timedelta(minutes=settings.restore_window_minutes),
    )


def create_shop(settings: Settings) -> HttpShop | None:
    """The shop's order system over HTTP, or None when the bot's database is it."""
    connection = settings.require_shop()
    if connection is None:
        return None
    url, secret = connection
    # Signatures carry real time: the shop checks them against its own clock.
    return HttpShop(url, secret, SystemClock(), timeout=settings.shop_timeout_seconds)


def create_dispatcher(
    settings: Settings,
    session_factory: SessionFactory,
    clock: Clock,
    rules: ShopRules,
    translations: Translations,
    *,
    desk: CancelDesk | None = None,
    staff_chat: StaffChat | None = None,
) -> Dispatcher:
    dp = Dispatcher(
        storage=DatabaseStorage(session_factory, clock),
        deps=Deps(
            rules=rules,
            clock=clock,
            translations=translations,
            staff_chat=staff_chat or StaffChat(settings.staff_chat_id),
            staff_ids=settings.staff_ids,
            desk=desk,
            case_reopen=timedelta(days=settings.case_reopen_days),
        ),
    )
    if settings.throttle_per_second > 0:
        # First, so that what is dropped costs no database session and no reply.
        dp.update.outer_middleware(
            Throttle(
                clock,
                translations,
                burst=settings.throttle_burst,
                per_second=settings.throttle_per_second,
                exempt=settings.staff_ids,
            )
        )
    dp.update.outer_middleware(DatabaseMiddleware(session_factory))
    dp.update.outer_middleware(LocaleMiddleware(translations, clock))
    dp.include_routers(*get_routers())
    dp.errors.register(_on_error)
    return dp


async def _on_error(event: ErrorEvent, **data: Any) -> bool:
    """Log the failure for the shop; tell the person politely, never with a traceback."""
    log.error("update %s failed", event.update.update_id, exc_info=event.exception)
    i18n = data.get("i18n")
    t = i18n if isinstance(i18n, Translator) else Translations().get(None)
    text = t("error-generic")
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            # In a private chat the apology ends in the menu, the way on from any step.
            private = update.message.chat.type == ChatType.PRIVATE
            markup = help_keyboard(t) if private else None
            await update.message.answer(text, reply_markup=markup)
    except Exception:  # the apology itself failing must not hide the original error
        log.exception("could not tell the user about the failure")
    return True


async def set_menu(bot: Bot, translations: Translations) -> None:
    for locale in LOCALES:
        t = translations.get(locale)
        commands = [BotCommand(command=c, description=t(f"command-{c}")) for c in MENU_COMMANDS]
        language = None if locale == translations.default_locale else locale
        await bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=language)
