"""Running the bot: database ready, Bot and Dispatcher built, long polling until stopped."""

from __future__ import annotations

import contextlib
import logging

from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.factory import create_bot, create_dispatcher, create_rules, set_menu
from bot.i18n import Translations
from domain.ports import Clock, SystemClock
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade

log = logging.getLogger(__name__)


class Runtime:
    """Everything a running bot owns, so it can be started and shut down as one."""

    def __init__(self, settings: Settings, clock: Clock | None = None) -> None:
        self.settings = settings
        self.clock = clock or SystemClock()
        self.translations = Translations(settings.default_locale)
        self.engine: AsyncEngine = create_engine(settings.database_url)
        self.session_factory = create_session_factory(self.engine)
        self.bot: Bot = create_bot(settings)
        self.dispatcher: Dispatcher = create_dispatcher(
            settings,
            self.session_factory,
            self.clock,
            create_rules(settings),
            self.translations,
        )

    async def prepare(self) -> str:
        """Migrate the database, check the token, set the menu. Returns the bot's username."""
        await upgrade(self.engine)
        me = await self.bot.get_me()
        await set_menu(self.bot, self.translations)
        return me.username or str(me.id)

    async def poll(self, *, handle_signals: bool = True) -> None:
        # aiogram stops polling on SIGINT/SIGTERM and lets running handlers finish.
        await self.dispatcher.start_polling(
            self.bot,
            handle_signals=handle_signals,
            close_bot_session=False,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # polling had not started or already ended
            await self.dispatcher.stop_polling()

    async def close(self) -> None:
        await self.bot.session.close()
        await self.engine.dispose()
