"""Running the bot: database ready, Bot and Dispatcher built, long polling until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot, Dispatcher
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.config import Settings
from bot.factory import create_bot, create_dispatcher, create_rules, create_shop, set_menu
from bot.flood import FloodGate
from bot.notifier import Notifier, Sleep, WakeNotifier
from bot.planner import Planner
from bot.scheduler import create_scheduler
from bot.shop_events import EventDesk, create_app
from domain.calendar import CALENDAR_FILE_ENV
from domain.ports import Clock, SystemClock
from domain.shop_cancels import CancelDesk
from handlers.deps import StaffChat
from handlers.i18n import Translations
from handlers.notices import RENDERERS, check_renderers
from storage.db import create_engine, create_session_factory
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)


class Runtime:
    """Everything a running bot owns, so it can be started and shut down as one."""

    def __init__(
        self, settings: Settings, clock: Clock | None = None, sleep: Sleep | None = None
    ) -> None:
        # A kind the domain can queue but nothing would send fails here, not at its first row.
        check_renderers(RENDERERS)
        self.settings = settings
        self.clock = clock or SystemClock()
        self.rules = create_rules(settings)
        self.translations = Translations(
            settings.default_locale, estimated=self.rules.calendar.is_estimate
        )
        self.engine = create_engine(settings.database_url, synchronous=settings.sqlite_synchronous)
        self.session_factory = create_session_factory(self.engine)
        self.bot: Bot = create_bot(settings, self.clock, sleep)
        self.staff_chat = StaffChat(settings.staff_chat_id)
        self.notifier = Notifier(
            self.bot,
            self.session_factory,
            settings=settings,
            translations=self.translations,
            rules=self.rules,
            clock=self.clock,
            sleep=sleep or asyncio.sleep,
            staff_chat=self.staff_chat,
            on_staff_moved=self._staff_moved,
        )
        self.shop = create_shop(settings)
        self.desk = (
            CancelDesk(
                SqlUnitOfWorkFactory(self.session_factory),
                self.shop,
                rules=self.rules,
                clock=self.clock,
                wait=settings.shop_confirm_wait_seconds,
                alert_after=timedelta(minutes=settings.shop_alert_after_minutes),
                on_queued=self.notifier.wake,
            )
            if self.shop is not None
            else None
        )
        self.dispatcher: Dispatcher = create_dispatcher(
            settings,
            self.session_factory,
            self.clock,
            self.rules,
            self.translations,
            desk=self.desk,
            staff_chat=self.staff_chat,
        )
        # After each update's use case has committed, whatever it queued goes out at once;
        # the staff group's upgrade to a supergroup is followed before the update is handled.
        self.dispatcher.update.outer_middleware(WakeNotifier(self.notifier))
        self.planner = Planner(
            self.session_factory,
            rules=self.rules,
            clock=self.clock,
            digest_at=settings.digest_time,
        )
        self.scheduler: AsyncIOScheduler | None = None
        self.events: web.AppRunner | None = None
        self.events_port: int | None = None

    async def prepare(self) -> str:
        """Migrate the database, check the token, set the menu. Returns the bot's username."""
        await upgrade(self.engine)
        me = await self.bot.get_me()
        named = self.settings.bot_username
        if named is not None and me.username and named.lower() != me.username.lower():
            log.warning(
                "BOT_USERNAME is %s but this token belongs to @%s: link-token would print "
                "links to the wrong bot. Fix: set BOT_USERNAME=%s.",
                named,
                me.username,
                me.username,
            )
        await set_menu(self.bot, self.translations)
        await self.notifier.check_staff_chat()
        self.check_calendar()
        return me.username or str(me.id)

    def _staff_moved(self, new_id: int) -> None:
        # The flood gate counts the staff group's minute budget by its id.
        for middleware in self.bot.session.middleware:
            if isinstance(middleware, FloodGate):
                middleware.staff_chat_id = new_id

    def check_calendar(self) -> int | None:
        """Log, once at start, that a year the shop's dates reach into has no official calendar."""
        today = self.clock.now().astimezone(self.rules.tz).date()
        year = self.rules.calendar.wanted_year(today)
        if year is not None:
            log.warning(
                "No official holiday calendar for %s: its dates are shown to shoppers as "
                "estimates and staff are reminded weekly. Fix: put %s's days off and make-up "
                "working days from the State Council's announcement in the JSON file %s points at "
                '(e.g. {"years": [%s], "holidays": ["%s-01-01", ...], "workdays": [...]}) '
                "and restart.",
                year,
                year,
                CALENDAR_FILE_ENV,
                year,
                year,
            )
        return year

    async def start_events(self) -> None:
        """Listen for the shop's signed order events, once a shared secret is set."""
        secret = self.settings.shop_api_secret
        if secret is None or self.events is not None:
            return
        desk = EventDesk(
            SqlUnitOfWorkFactory(self.session_factory),
            secret=secret.get_secret_value(),
            rules=self.rules,
            clock=self.clock,
            t=self.translations.get(None),
        )
        self.events = web.AppRunner(create_app(desk), access_log=None)
        await self.events.setup()
        site = web.TCPSite(
            self.events, self.settings.shop_events_host, self.settings.shop_events_port
        )
        await site.start()
        self.events_port = self.events.addresses[0][1]
        log.info("shop events on %s:%s", self.settings.shop_events_host, self.events_port)

    def start_background(self) -> None:
        """The outbox notifier and the scheduler that wakes it; idempotent."""
        self.notifier.start()
        if self.scheduler is None:
            self.scheduler = create_scheduler(
                self.notifier,
                every_seconds=self.settings.outbox_wake_seconds,
                planner=self.planner,
                desk=self.desk,
            )
            self.scheduler.start()

    async def stop_background(self) -> None:
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        if self.desk is not None:
            await self.desk.close()
        if self.events is not None:
            await self.events.cleanup()
            self.events = None
        await self.notifier.stop()

    async def poll(self, *, handle_signals: bool = True) -> None:
        await self.start_events()
        self.start_background()
        try:
            # aiogram stops polling on SIGINT/SIGTERM and lets running handlers finish.
            await self.dispatcher.start_polling(
                self.bot,
                handle_signals=handle_signals,
                close_bot_session=False,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            )
        finally:
            await self.stop_background()

    async def stop(self) -> None:
        with contextlib.suppress(RuntimeError):  # polling had not started or already ended
            await self.dispatcher.stop_polling()

    async def close(self) -> None:
        await self.stop_background()
        if self.shop is not None:
            await self.shop.close()
        await self.bot.session.close()
        await self.engine.dispose()
