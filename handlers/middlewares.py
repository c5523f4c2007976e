"""Presentation middlewares shared by the routers."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.dispatcher.flags import get_flag
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswer, CallbackAnswerMiddleware


class AnswerPresses(CallbackAnswerMiddleware):
    """Every press is answered once, after its handler, with what the handler put in
    ``callback_answer`` (``text``, ``show_alert``), or silently.

    Unlike aiogram's own, a press whose handler failed is left to the error handler
    (which answers it with an apology), and a press older than Telegram's window,
    which can no longer be answered, is not an error.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        callback_answer = self.construct_callback_answer(get_flag(data, "callback_answer"))
        data["callback_answer"] = callback_answer
        result = await handler(event, data)
        if not callback_answer.disabled and not callback_answer.answered:
            with contextlib.suppress(TelegramBadRequest):
                await self.answer(event, callback_answer)
        return result


def say(callback_answer: CallbackAnswer, text: str, *, alert: bool = False) -> None:
    """What the press's answer shows: a toast, or an alert the presser must close."""
    callback_answer.text = text
    callback_answer.show_alert = alert
