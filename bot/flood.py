"""One gate in front of every Bot API call: Telegram's flood limits, for the whole bot.

Handlers' direct replies and the outbox notifier share one Bot session, so
they share this gate too:

* a 429 (``retry_after``) on any call closes the gate: every call, from
  anywhere, waits until the pause is over; the call that hit it is then
  tried again (a few times at most, then the error goes to its caller);
* sending methods (messages, edits, copies) go out at most
  ``GLOBAL_MESSAGES_PER_SECOND`` in any second;
* those sent to the staff group go out at most ``STAFF_MESSAGES_PER_MINUTE`` in
  any rolling minute, whoever sends them: a card from the outbox, a reply to
  ``/queue``, a prompt, a card edited after a press. Telegram's limit for a
  group counts them all, and a 429 there would pause every chat.

A send waiting for a staff-minute slot holds nothing that other chats need: it
waits first, on its own, and only then queues for the second's budget.

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
from dataclasses import dataclass, field
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
MINUTE = timedelta(minutes=1)

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


@dataclass(eq=False)
class Sending:
    """One send in the per-second budget: when it went, then when its call ended."""

    at: datetime
    done: asyncio.Event = field(default_factory=asyncio.Event)


@dataclass(eq=False)
class StaffSlot:
    """One send to the staff group: booked, then sent, then over.

    ``at`` is when it may go (booked), then when it went, then when its call
    ended: a send held up after booking (by a pause, by the second's budget)
    must not crowd the ones after it.
    """

    at: datetime
    sent: bool = False
    done: bool = False


class FloodGate(BaseRequestMiddleware):
    """Session middleware: ``bot.session.middleware(FloodGate(clock, sleep, per_second, ...))``.

    One instance per Bot: its budgets are the bot's, shared by every caller.
    """

    def __init__(
        self,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        per_second: int = 25,
        *,
        staff_chat_id: int | None = None,
        staff_per_minute: int = 18,
        max_retry_after: int = MAX_RETRY_AFTER,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.per_second = per_second
        self.staff_chat_id = staff_chat_id
        self.staff_per_minute = staff_per_minute
        self.max_retry_after = max_retry_after
        self._open = asyncio.Event()
        self._open.set()
        self._paused_until: datetime | None = None
        self._sent: deque[Sending] = deque(maxlen=per_second)
        self._budget = asyncio.Lock()
        #: Staff-group sends in booking order: the recent ones, the ones under way, the waiting.
        self._staff: list[StaffSlot] = []
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
        sending = name in SENDING_METHODS
        to_staff = (
            sending
            and self.staff_chat_id is not None
            and getattr(method, "chat_id", None) == self.staff_chat_id
        )
        retries = 0
        while True:
            try:
                return await self._once(make_request, bot, method, sending, to_staff)
            except TelegramRetryAfter as error:
                retries += 1
                if retries > self.max_retry_after:
                    raise
                log.warning(
                    "%s: Telegram asked to wait %s s; all calls paused", name, error.retry_after
                )
                await self.pause(error.retry_after)

    async def _once(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
        sending: bool,
        to_staff: bool,
    ) -> Response[TelegramType]:
        """One try. Each try to the staff group takes a slot, a refused one too: counting a
        try Telegram may not have counted only makes the group's pace a little slower."""
        if not to_staff:
            entry = await self._ready(sending)
            try:
                return await make_request(bot, method)
            finally:
                self._over(entry)
        slot = await self._staff_slot()
        entry = None
        try:
            entry = await self._ready(sending)
            slot.at, slot.sent = max(slot.at, self._now()), True
            return await make_request(bot, method)
        finally:
            self._over(entry)
            self._staff_over(slot)

    def _over(self, entry: Sending | None) -> None:
        # Counted from when Telegram had it: the next second's sends then cannot reach it
        # less than a second after this one, however long this request took on the way.
        if entry is not None:
            entry.at = max(entry.at, self._now())
            entry.done.set()

    def _now(self) -> datetime:
        return max(self.clock.now(), self._slept_until)

    async def _staff_slot(self) -> StaffSlot:
        """Wait (holding nothing) until a send to the staff group fits its rolling minute."""
        slot = StaffSlot(self._now())
        self._staff.append(slot)
        try:
            while (wait := self._staff_wait(slot)) > timedelta(0):
                await self.sleep(wait.total_seconds())
                self._slept_until = max(self._slept_until, slot.at)
        except BaseException:
            self._staff.remove(slot)
            raise
        return slot

    def _staff_wait(self, slot: StaffSlot) -> timedelta:
        """Book ``slot`` after the sends booked before it; how long until then.

        Asked again after each wait: a send ahead that was held up since (by a
        pause) has moved, and this one moves with it. Sends booked later never
        push an earlier one back, so waiting callers go in the order they came.
        """
        now = self._now()
        self._staff = [s for s in self._staff if not s.done or s.at > now - MINUTE]
        ahead = self._staff[: self._staff.index(slot)]
        slot.at = now
        if len(ahead) >= self.staff_per_minute:
            # A send granted but not over yet goes out no earlier than now.
            times = sorted(s.at if s.done else max(s.at, now) for s in ahead)
            slot.at = max(now, times[-self.staff_per_minute] + MINUTE)
        return slot.at - now

    def _staff_over(self, slot: StaffSlot) -> None:
        if not slot.sent:  # stopped before the request: it used no slot
            self._staff.remove(slot)
            return
        slot.at, slot.done = max(slot.at, self._now()), True

    async def _ready(self, sending: bool) -> Sending | None:
        """Wait until the gate is open and (for sends) a slot in this second is free."""
        while True:
            await self._open.wait()
            await check_before_send()
            if not sending:
                if self._open.is_set():
                    return None
                continue
            async with self._budget:
                oldest = self._sent[0] if len(self._sent) == self.per_second else None
                if oldest is not None and not oldest.done.is_set():
                    # Its second counts from its answer, not yet known: wait for it rather
                    # than guess (every request ends, at worst by the session's timeout).
                    await oldest.done.wait()
                now = self._now()
                at = now
                if self._sent:
                    at = max(at, self._sent[-1].at)
                if len(self._sent) == self.per_second:
                    at = max(at, self._sent[0].at + SECOND)
                if at > now:
                    await self.sleep((at - now).total_seconds())
                    self._slept_until = max(self._slept_until, at)
                # A pause that began while this call slept holds it back too; nothing may
                # await between this check and the request.
                if self._open.is_set():
                    entry = Sending(max(at, self.clock.now()))
                    self._sent.append(entry)
                    return entry

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
