"""Presentation middlewares shared by the routers."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.flags import get_flag
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer

from handlers.context import Ctx

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class UpdateContext(BaseMiddleware):
    """Builds ``ctx`` for the handler that matched, and answers its press once, after it.

    A press whose handler failed is left to the error handler (which answers it with an
    apology), and a press older than Telegram's window, which can no longer be answered,
    is not an error.
    """

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        press = None
        if isinstance(event, CallbackQuery):
            flag = get_flag(data, "callback_answer") or {}
            press = CallbackAnswer(answered=False, **flag)
        data["ctx"] = Ctx(
            bot=data["bot"],
            uow=data["uow"],
            deps=data["deps"],
            t=data["i18n"],
            user=data.get("event_from_user"),
            linked=data.get("customer"),
            press=press,
        )
        result = await handler(event, data)
        if isinstance(event, CallbackQuery) and press is not None and not press.disabled:
            with contextlib.suppress(TelegramBadRequest):
                await event.answer(press.text, show_alert=press.show_alert)
        return result
