"""One chat's messages in turn, so an album's screenshots are counted one after another."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Message, TelegramObject

from handlers.middlewares import Handler


class OneAtATime(BaseMiddleware):
    """Handles one chat's messages one after another (per router, no global state)."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Message):
            return await handler(event, data)
        lock, users = self._locks.setdefault(event.chat.id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                return await handler(event, data)
        finally:
            users[0] -= 1
            if not users[0]:
                self._locks.pop(event.chat.id, None)
