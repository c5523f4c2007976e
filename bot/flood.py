"""One gate in front of every Bot API call: Telegram's flood limits, for the whole bot.

Handlers' direct replies and the outbox notifier share one Bot session, so
they share this gate too:

* a 429 (``retry_after``) on any call closes the gate: every call, from
  anywhere, waits until the pause is over; the call that hit it is then
  tried again (a few times at most, then the error goes to its caller);
* sending methods (messages, edits, copies) go out at most
  ``GLOBAL_MESSAGES_PER_SECOND`` in any second.

Slots are booked ahead (``max(now, earliest allowed)``) rather than polled, and
"now" is never earlier than what was already slept until, so the schedule stays
right on a clock that does not move while sleeping (a test's fixed clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import TelegramType

from domain.ports import Clock

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
#: Runs after the gate's waits, just before the request goes out; raising cancels the call.
BeforeSend = Callable[[], Awaitable[None]]

#: A 429 on the same call more often than this is left to the caller.
MAX_RETRY_AFTER = 5
SECOND = timedelta(seconds=1)

#: Methods that put something in a chat; Telegram's ~30/s bot-wide limit counts these.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "sendDice",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
    }
)
#: Long polling is how the bot hears anything at all; holding it back would only delay
#: the updates whose replies are waiting at the gate anyway.
UNGATED_METHODS = frozenset({"getUpdates"})

_before_send: ContextVar[BeforeSend | None] = ContextVar("before_send", default=None)


@contextlib.contextmanager
def before_send(check: BeforeSend) -> Iterator[None]:
    """Within this block, every call of this task runs ``check`` once its waits are over.

    The outbox notifier renews a row's lease here: a long pause must not let the
    lease run out while the row is still about to be sent.
    """
    token = _before_send.set(check)
    try:
        yield
    finally:
        _before_send.reset(token)


async def check_before_send() -> None:
    """Run this task's ``before_send`` check now (for callers that wait before the gate)."""
    check = _before_send.get()
    if check is not None:
        await check()


class FloodGate(BaseRequestMiddleware):
    """Session middleware: ``bot.session.middleware(FloodGate(clock, sleep, per_second))``."""

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        per_second: int = 25,
        *,
        max_retry_after: int = MAX_RETRY_AFTER,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.per_second = per_second
        self.max_retry_after = max_retry_after
        self._open = asyncio.Event()
        self._open.set()
        self._paused_until: datetime | None = None
        self._sent: deque[datetime] = deque(maxlen=per_second)
        self._budget = asyncio.Lock()
        self._slept_until = clock.now()

    @property
    def is_open(self) -> bool:
        return self._open.is_set()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if name in UNGATED_METHODS:
            return await make_request(bot, method)
        retries = 0
        while True:
            await self._ready(name in SENDING_METHODS)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                retries += 1
                if retries > self.max_retry_after:
                    raise
                log.warning(
                    "%s: Telegram asked to wait %s s; all calls paused", name, error.retry_after
                )
                await self.pause(error.retry_after)

    async def _ready(self, sending: bool) -> None:
        """Wait until the gate is open and (for sends) a slot in this second is free."""
        while True:
            await self._open.wait()
            await check_before_send()
            if not sending:
                if self._open.is_set():
                    return
                continue
            async with self._budget:
                now = max(self.clock.now(), self._slept_until)
                at = now
                if self._sent:
                    at = max(at, self._sent[-1])
                if len(self._sent) == self.per_second:
                    at = max(at, self._sent[0] + SECOND)
                if at > now:
                    await self.sleep((at - now).total_seconds())
                    self._slept_until = max(self._slept_until, at)
                # A pause that began while this call slept holds it back too; nothing may
                # await between this check and the request.
                if self._open.is_set():
                    self._sent.append(max(at, self.clock.now()))
                    return

    async def pause(self, seconds: float) -> None:
        """Close the gate for ``seconds`` (or join, and perhaps lengthen, a pause under way)."""
        until = self.clock.now() + timedelta(seconds=seconds)
        if self._paused_until is None or until > self._paused_until:
            self._paused_until = until
        if not self._open.is_set():
            await self._open.wait()
            return
        self._open.clear()
        reached = self.clock.now()
        try:
            # Counted from what was slept rather than read off the clock: a clock that does
            # not move while sleeping must not keep the gate shut for ever.
            while (left := self._paused_until - reached) > timedelta(0):
                await self.sleep(left.total_seconds())
                reached += left
        finally:
            self._paused_until = None
            self._open.set()
