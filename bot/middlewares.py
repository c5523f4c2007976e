"""Per-update context: one database session, the shopper's language, who they are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, User

from domain.ports import Clock
from domain.shopper import shopper_wrote
from handlers.i18n import Translations, pick_locale
from storage.db import SessionFactory
from storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DatabaseMiddleware(BaseMiddleware):
    """Opens one session for the update and hands handlers a unit of work over it."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self.uows = SqlUnitOfWorkFactory(session_factory)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.uows() as uow:
            data["uow"] = uow
            return await handler(event, data)


class LocaleMiddleware(BaseMiddleware):
    """Picks the language: the customer's saved choice, else Telegram's language_code."""

    def __init__(self, translations: Translations, clock: Clock) -> None:
        self.translations = translations
        self.clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        uow: SqlUnitOfWork = data["uow"]
        customer = await uow.customers.by_telegram(user.id) if user else None
        saved = await uow.prefs.locale(user.id) if user else None
        chat: Chat | None = data.get("event_chat")
        private = chat is None or chat.type == ChatType.PRIVATE
        code = user.language_code if user else None
        locale = saved or pick_locale(code, self.translations.default_locale)
        if customer is not None and private:
            customer = await shopper_wrote(
                uow, customer, locale=locale, saved=saved, now=self.clock.now()
            )
        await uow.rollback()  # end the read: the use case starts a fresh transaction
        data["customer"] = customer
        data["i18n"] = self.translations.get(locale)
        return await handler(event, data)
